//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import Synchronization
import Testing

/// Which messages handlers finished, and how often each.
final class CompletionLedger: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func record(_ text: String) {
        self.counts.withLock { $0[text, default: 0] += 1 }
    }

    var snapshot: [String: Int] {
        self.counts.withLock { $0 }
    }

    var total: Int {
        self.counts.withLock { $0.values.reduce(0, +) }
    }
}

@Suite("Queue listener runner", .timeLimit(.minutes(10)))
struct QueueListenerRunnerTests {
    @Test("4 listeners, 500 messages each: every message completed exactly once", arguments: QueueBackend.allCases)
    func concurrentListeners(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let name = QueueEnvironment.uniqueName()
        let configuration = testQueueConfiguration(lockTimeout: .seconds(30))
        let total = 4 * 500
        let producer = try await environment.makeQueue(name, configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    for index in stride(from: lane, to: total, by: 8) {
                        try await producer.send(MessageEnvelope(text: "m\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }

        let ledger = CompletionLedger()
        var runners: [QueueListenerRunner] = []
        for _ in 0..<4 {
            let queue = try await environment.makeQueue(name, configuration: configuration)
            runners.append(
                QueueListenerRunner(queue: queue, waitTimeout: .milliseconds(500)) { message in
                    ledger.record(message.text)
                })
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        let deadline = ContinuousClock.now + .seconds(400)
        while ledger.total < total && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        // Anything redelivered would show up within a little more time.
        try await Task.sleep(for: .milliseconds(500))
        for runner in runners { runner.stop() }
        for task in tasks { await task.value }

        let counts = ledger.snapshot
        #expect(counts.count == total)
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts.filter { $0.value != 1 }.prefix(5))")
        let statistics = runners.map(\.statistics)
        #expect(statistics.map(\.completed).reduce(0, +) == total)
        #expect(statistics.map(\.failures).reduce(0, +) == 0)
        #expect(statistics.allSatisfy { $0.received > 0 }, "every listener took part: \(statistics.map(\.received))")
        #expect(try await producer.readMessageCount() == 0)
    }

    @Test("a handler longer than the lock is renewed and not delivered twice", arguments: QueueBackend.allCases)
    func longHandlerIsRenewed(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let name = QueueEnvironment.uniqueName()
        let configuration = testQueueConfiguration(lockTimeout: .seconds(3))
        let queue = try await environment.makeQueue(name, configuration: configuration)
        try await queue.send(MessageEnvelope(text: "slow"))
        let ledger = CompletionLedger()
        let runners = try await (0..<2).asyncMap { _ in
            QueueListenerRunner(
                queue: try await environment.makeQueue(name, configuration: configuration),
                waitTimeout: .milliseconds(500)
            ) { message in
                ledger.record("start " + message.text)
                try await Task.sleep(for: .seconds(8))
                ledger.record(message.text)
            }
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        let deadline = ContinuousClock.now + .seconds(60)
        while ledger.snapshot["slow"] == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(1))
        for runner in runners { runner.stop() }
        for task in tasks { await task.value }
        #expect(ledger.snapshot == ["start slow": 1, "slow": 1])
        #expect(runners.map(\.statistics.lockRenewals).reduce(0, +) >= 2)
        #expect(runners.map(\.statistics.completed).reduce(0, +) == 1)
    }

    @Test(
        "a worker killed mid-message: the message is delivered again and completed once",
        arguments: QueueBackend.allCases)
    func killedWorker(backend: QueueBackend) async throws {
        let environment = try QueueEnvironment(backend)
        let name = QueueEnvironment.uniqueName()
        let configuration = testQueueConfiguration(lockTimeout: .seconds(2))
        let queue = try await environment.makeQueue(name, configuration: configuration)
        for index in 0..<5 { try await queue.send(MessageEnvelope(text: "job\(index)")) }

        // The doomed worker takes a message and dies: no renewal, no completion.
        let orphan = try #require(try await queue.receive(waitTimeout: .seconds(5)))

        let ledger = CompletionLedger()
        let runner = QueueListenerRunner(
            queue: try await environment.makeQueue(name, configuration: configuration),
            waitTimeout: .milliseconds(500)
        ) { message in
            ledger.record(message.text)
        }
        let task = Task { await runner.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while ledger.total < 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .seconds(3))
        runner.stop()
        await task.value

        #expect(ledger.snapshot == Dictionary(uniqueKeysWithValues: (0..<5).map { ("job\($0)", 1) }))
        let late = await messageQueueError { try await queue.complete(orphan) }
        #expect(late?.code == .lockLost, "the dead worker's receipt no longer counts")
        #expect(try await queue.readMessageCount() == 0)
    }

    @Test("a message failing 5 times ends in the -poison queue", arguments: QueueBackend.allCases)
    func poisonAfterFiveFailures(backend: QueueBackend) async throws {
        struct HandlerFailure: Error {}
        let environment = try QueueEnvironment(backend)
        let name = QueueEnvironment.uniqueName()
        let queue = try await environment.makeQueue(name, configuration: testQueueConfiguration())
        try await queue.send(MessageEnvelope(text: "poison"))
        try await queue.send(MessageEnvelope(text: "fine"))
        let attempts = CompletionLedger()
        let errors = Mutex(0)
        let runner = QueueListenerRunner(
            queue: queue, waitTimeout: .milliseconds(300), onError: { _ in errors.withLock { $0 += 1 } },
            handler: { message in
                attempts.record(message.text)
                if message.text == "poison" { throw HandlerFailure() }
            })
        let task = Task { await runner.run() }
        let deadline = ContinuousClock.now + .seconds(60)
        while try await environment.deadLetters(of: queue).isEmpty && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(300))
        }
        runner.stop()
        await task.value

        #expect(attempts.snapshot == ["poison": 5, "fine": 1])
        #expect(runner.statistics.abandoned == 5)
        #expect(runner.statistics.completed == 1)
        #expect(errors.withLock { $0 } == 5)
        #expect(try await environment.deadLetters(of: queue).map(\.text) == ["poison"])
        #expect(try await queue.readMessageCount() == 0)
    }

    @Test("a lost lock cancels the handler and leaves the message alone")
    func lostLockCancelsHandler() async throws {
        let inner = MemoryMessageQueue(configuration: testQueueConfiguration(lockTimeout: .seconds(30)))
        try await inner.send(MessageEnvelope(text: "contested"))
        let cancelled = Mutex(false)
        let runner = QueueListenerRunner(
            queue: FaultyMessageQueue(inner, fault: .stealRenewals), lockTimeout: .milliseconds(300),
            waitTimeout: .milliseconds(200)
        ) { _ in
            do {
                try await Task.sleep(for: .seconds(20))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
        }
        let task = Task { await runner.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while runner.statistics.lostLocks == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        runner.stop()
        await task.value
        #expect(cancelled.withLock { $0 })
        #expect(runner.statistics.lostLocks == 1)
        #expect(runner.statistics.completed == 0)
        #expect(runner.statistics.abandoned == 0)
        #expect(try await inner.readMessageCount() == 1, "left for whoever holds the lock now")
    }

    @Test("a completion whose answer was lost is retried, and the retry's 'lock lost' counts as completed")
    func lostCompletionAnswer() async throws {
        let inner = MemoryMessageQueue(configuration: testQueueConfiguration())
        try await inner.send(MessageEnvelope(text: "once"))
        let ledger = CompletionLedger()
        let runner = QueueListenerRunner(
            queue: FaultyMessageQueue(inner, fault: .loseFirstCompletionAnswer), waitTimeout: .milliseconds(200)
        ) { message in
            ledger.record(message.text)
        }
        let task = Task { await runner.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while runner.statistics.completed == 0 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        runner.stop()
        await task.value
        #expect(ledger.snapshot == ["once": 1])
        #expect(runner.statistics.completed == 1)
        #expect(runner.statistics.failures == 1)
        #expect(runner.statistics.lostLocks == 0)
        #expect(try await inner.readMessageCount() == 0)
    }

    @Test("stop lets the message in progress finish and be completed")
    func gracefulStop() async throws {
        let queue = MemoryMessageQueue(configuration: testQueueConfiguration())
        try await queue.send(MessageEnvelope(text: "in progress"))
        let started = Mutex(false)
        let ledger = CompletionLedger()
        let runner = QueueListenerRunner(queue: queue, waitTimeout: .seconds(30)) { message in
            started.withLock { $0 = true }
            try await Task.sleep(for: .seconds(1))
            ledger.record(message.text)
        }
        let task = Task { await runner.run() }
        while !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }
        let stopping = ContinuousClock.now
        runner.stop()
        await task.value
        #expect(ContinuousClock.now - stopping < .seconds(10), "stop does not wait out the receive")
        #expect(ledger.snapshot == ["in progress": 1])
        #expect(runner.statistics.completed == 1)
        #expect(try await queue.readMessageCount() == 0)
    }
}

extension Range where Bound == Int {
    /// `map` with an async transform, in order.
    func asyncMap<Value>(_ transform: (Int) async throws -> Value) async rethrows -> [Value] {
        var values: [Value] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
