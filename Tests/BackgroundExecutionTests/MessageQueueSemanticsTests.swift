//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageCore
import Testing

@Suite("Message queue semantics", .timeLimit(.minutes(3)))
struct MessageQueueSemanticsTests {
    @Test("send, receive, complete: the envelope survives and the message is gone", arguments: QueueBackend.allCases)
    func sendReceiveComplete(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration())
        let sent = MessageEnvelope(correlationId: "corr-1", messageType: "Greeting", text: "héllo <&> wörld")
        try await queue.send(sent)

        let received = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        #expect(received.messageId == sent.messageId)
        #expect(received.correlationId == "corr-1")
        #expect(received.messageType == "Greeting")
        #expect(received.text == "héllo <&> wörld")
        #expect(abs(received.sentTime.timeIntervalSince(sent.sentTime)) < 0.01)
        #expect(received.dequeueCount == 1)
        #expect(try await queue.peek() == nil, "a received message is invisible")

        try await queue.complete(received)
        #expect(try await queue.receive(waitTimeout: .milliseconds(300)) == nil)
        #expect(try await queue.readMessageCount() == 0)
        let again = await messageQueueError { try await queue.complete(received) }
        #expect(again?.code == .lockLost)
    }

    @Test("peek and peekBatch lock nothing; sendAsObject writes JSON", arguments: QueueBackend.allCases)
    func peekLocksNothing(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration())
        for index in 0..<3 {
            try await queue.sendAsObject(
                correlationId: nil, messageType: "Number", .object([JSONMember("n", .number(index))]))
        }
        #expect(try await queue.readMessageCount() == 3)
        #expect(try await queue.peekBatch(count: 10).count == 3)
        let peeked = try #require(try await queue.peek())
        #expect(peeked.handle == nil)
        #expect(peeked.messageType == "Number")
        let value = try JSONParser.parse(peeked.message)
        #expect(value["n"] != nil)
        let notReceived = await messageQueueError { try await queue.complete(peeked) }
        #expect(notReceived?.code == .notReceived)

        var seen = 0
        while try await queue.receive(waitTimeout: .zero) != nil { seen += 1 }
        #expect(seen == 3)
        try await queue.clear()
        #expect(try await queue.readMessageCount() == 0)
    }

    @Test(
        "receive waits up to its timeout on an empty queue, and sees a message sent meanwhile",
        arguments: QueueBackend.allCases)
    func receiveWaits(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration())
        let started = ContinuousClock.now
        #expect(try await queue.receive(waitTimeout: .milliseconds(800)) == nil)
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(800))
        #expect(waited < .seconds(5))

        let sender = Task {
            try await Task.sleep(for: .milliseconds(500))
            try await queue.send(MessageEnvelope(text: "late"))
        }
        let late = try await queue.receive(waitTimeout: .seconds(10))
        try await sender.value
        #expect(late?.text == "late")
    }

    @Test("a lock that runs out redelivers the message, and the old receipt is lost", arguments: QueueBackend.allCases)
    func redeliveryAfterLockTimeout(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration(lockTimeout: .seconds(2)))
        try await queue.send(MessageEnvelope(text: "work"))
        let first = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        #expect(try await queue.receive(waitTimeout: .milliseconds(500)) == nil, "locked")

        let second = try #require(try await queue.receive(waitTimeout: .seconds(10)))
        #expect(second.messageId == first.messageId)
        #expect(second.dequeueCount == 2)
        let stale = await messageQueueError { try await queue.complete(first) }
        #expect(stale?.code == .lockLost)
        let staleRenew = await messageQueueError { try await queue.renewLock(first, lockTimeout: .seconds(2)) }
        #expect(staleRenew?.code == .lockLost)
        try await queue.complete(second)
    }

    @Test(
        "renewLock keeps the message hidden past its lock timeout and carries the new receipt",
        arguments: QueueBackend.allCases)
    func renewKeepsLock(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration(lockTimeout: .seconds(2)))
        try await queue.send(MessageEnvelope(text: "long"))
        let message = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        let firstReceipt = try #require(message.handle?.receipt)
        for _ in 0..<3 {
            try await Task.sleep(for: .seconds(1))
            try await queue.renewLock(message, lockTimeout: .seconds(2))
        }
        #expect(message.handle?.receipt != firstReceipt, "renewal issues a new receipt")
        #expect(try await queue.receive(waitTimeout: .zero) == nil, "still locked after 3 s")
        try await queue.complete(message)
        #expect(try await queue.readMessageCount() == 0)
    }

    @Test("abandon makes the message visible at once", arguments: QueueBackend.allCases)
    func abandonReleases(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration())
        try await queue.send(MessageEnvelope(text: "retry me"))
        let first = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        try await queue.abandon(first)
        let second = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        #expect(second.messageId == first.messageId)
        #expect(second.dequeueCount == 2)
        try await queue.complete(second)
    }

    @Test("moveToDeadLetter moves it; poison messages are dead-lettered by receive", arguments: QueueBackend.allCases)
    func deadLetters(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let queue = try await environment.makeQueue(
            QueueEnvironment.uniqueName(), configuration: testQueueConfiguration(maxDequeueCount: 2))
        try await queue.send(MessageEnvelope(text: "bad"))
        let bad = try #require(try await queue.receive(waitTimeout: .seconds(5)))
        try await queue.moveToDeadLetter(bad)
        #expect(try await queue.readMessageCount() == 0)

        try await queue.send(MessageEnvelope(text: "poison"))
        for attempt in 1...2 {
            let message = try #require(try await queue.receive(waitTimeout: .seconds(5)))
            #expect(message.dequeueCount == attempt)
            try await queue.abandon(message)
        }
        #expect(try await queue.receive(waitTimeout: .milliseconds(500)) == nil, "the third delivery is poison")
        #expect(try await queue.readMessageCount() == 0)
        let dead = try await environment.deadLetters(of: queue)
        #expect(Set(dead.map(\.text)) == ["bad", "poison"])
    }
}
