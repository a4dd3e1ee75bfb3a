//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

/// An in-process emulator serving queues on a free port, in memory, for one test.
final class TestQueueService: Sendable {
    let emulator: StorageEmulator
    let account: StorageAccount

    init() throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.queuePort = 0
        configuration.jobsPort = nil
        configuration.inMemory = true
        configuration.threadCount = 4
        configuration.logLevel = .error
        self.emulator = try StorageEmulator(configuration: configuration)
        let endpoint = try #require(self.emulator.endpoints.first { $0.service == "Queue" })
        self.account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=\(TestTableService.developmentKey);QueueEndpoint=\(endpoint.url.absoluteString)")
    }

    deinit {
        self.emulator.shutdown()
    }

    /// A client for a new queue, created.
    func newQueue(_ prefix: String = "q", encoding: QueueMessageEncoding = .plainText) async throws -> QueueClient {
        let client = QueueClient(
            account: self.account,
            queueName: prefix + UUID().uuidString.replacing("-", with: "").prefix(16).lowercased(),
            messageEncoding: encoding)
        try await client.create()
        return client
    }
}

@Suite("Queue client against the emulator", .timeLimit(.minutes(3)))
struct QueueClientTests {
    @Test("create, createIfNotExists, delete, deleteIfExists")
    func queueLifecycle() async throws {
        let service = try TestQueueService()
        let queue = QueueClient(account: service.account, queueName: "lifecycle")
        #expect(try await queue.createIfNotExists(metadata: ["Owner": "a"]))
        #expect(try await queue.create(metadata: ["Owner": "a"]) == false, "same metadata: 204")
        let conflict = await storageError { try await queue.create(metadata: ["Owner": "b"]) }
        #expect(conflict?.status == 409)
        #expect(conflict?.code == .queueAlreadyExists)
        #expect(try await queue.createIfNotExists(metadata: ["Owner": "b"]) == false)
        try await queue.delete()
        let missing = await storageError { try await queue.delete() }
        #expect(missing?.code == .queueNotFound)
        #expect(try await queue.deleteIfExists() == false)
        let bad = await storageError { try await QueueClient(account: service.account, queueName: "Bad_Name").create() }
        #expect(bad?.status == 400)
    }

    @Test("metadata and the approximate count")
    func metadataAndCount() async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue()
        try await queue.setMetadata(["Owner": "me", "purpose": "tests"])
        try await queue.send("one")
        try await queue.send("two")
        let properties = try await queue.properties()
        #expect(properties.metadata == ["Owner": "me", "purpose": "tests"])
        #expect(properties.approximateMessageCount == 2)
        try await queue.setMetadata([:])
        #expect(try await queue.properties().metadata.isEmpty)
    }

    @Test("access policies round-trip")
    func accessPolicy() async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue()
        #expect(try await queue.accessPolicy().isEmpty)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let policy = QueueSignedIdentifier(
            id: "readers", start: start, expiry: start.addingTimeInterval(3600), permissions: "rp")
        try await queue.setAccessPolicy([policy])
        #expect(try await queue.accessPolicy() == [policy])
        try await queue.setAccessPolicy([])
        #expect(try await queue.accessPolicy().isEmpty)
    }

    @Test(
        "send, peek, receive, update, delete, with both encodings",
        arguments: [QueueMessageEncoding.plainText, .base64])
    func messageOperations(encoding: QueueMessageEncoding) async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue(encoding: encoding)
        let text = "héllo <&> \"wörld\" 🙂"
        let sent = try await queue.send(text, timeToLive: .after(.seconds(3600)))
        #expect(sent.expirationTime.timeIntervalSince(sent.insertionTime) > 3500)

        let peeked = try await queue.peek(count: 32)
        #expect(peeked.map(\.text) == [text])
        #expect(peeked[0].popReceipt == nil)
        #expect(peeked[0].dequeueCount == 0)

        let received = try #require(try await queue.receive(count: 32, visibilityTimeout: .seconds(30)).first)
        #expect(received.messageId == sent.messageId)
        #expect(received.text == text)
        #expect(received.dequeueCount == 1)
        #expect(try await queue.receive().isEmpty, "hidden")
        #expect(try await queue.peek().isEmpty)

        let updated = try await queue.update(
            messageId: received.messageId, popReceipt: try #require(received.popReceipt), visibilityTimeout: .zero,
            text: "changed")
        #expect(updated.popReceipt != received.popReceipt)
        let again = try #require(try await queue.receive(visibilityTimeout: .seconds(30)).first)
        #expect(again.text == "changed")
        #expect(again.dequeueCount == 2)
        try await queue.delete(messageId: again.messageId, popReceipt: try #require(again.popReceipt))
        #expect(try await queue.peek().isEmpty)

        // What a base64 client wrote, a plain-text client of the same queue sees raw.
        try await queue.send("interop")
        let raw = QueueClient(account: service.account, queueName: queue.queueName, messageEncoding: .plainText)
        let expected = encoding == .base64 ? "aW50ZXJvcA==" : "interop"
        #expect(try await raw.peek().first?.text == expected)
    }

    @Test("a receipt from send works; never-expiring and delayed messages")
    func sendReceiptAndTimes() async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue()
        let sent = try await queue.send("now")
        try await queue.delete(messageId: sent.messageId, popReceipt: sent.popReceipt)
        let forever = try await queue.send("forever", timeToLive: .never)
        #expect(forever.expirationTime.timeIntervalSinceNow > 365 * 24 * 3600)
        let delayed = try await queue.send("later", visibilityTimeout: .seconds(2))
        #expect(try await queue.peek(count: 32).map(\.text) == ["forever"])
        try await Task.sleep(for: .seconds(3))
        #expect(Set(try await queue.peek(count: 32).map(\.messageId)) == [forever.messageId, delayed.messageId])
        try await queue.clear()
        #expect(try await queue.peek(count: 32).isEmpty)
    }

    @Test("stale receipts: after update, after a second receive, after delete → 404 MessageNotFound")
    func staleReceipts() async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue()
        try await queue.send("x")
        let first = try #require(try await queue.receive(visibilityTimeout: .seconds(1)).first)
        let firstReceipt = try #require(first.popReceipt)
        let updated = try await queue.update(
            messageId: first.messageId, popReceipt: firstReceipt, visibilityTimeout: .seconds(1))
        let afterUpdate = await storageError {
            try await queue.delete(messageId: first.messageId, popReceipt: firstReceipt)
        }
        #expect(afterUpdate?.status == 404)
        #expect(afterUpdate?.code == .messageNotFound)
        #expect(afterUpdate?.isLostPopReceipt == true)

        try await Task.sleep(for: .seconds(2))
        let second = try #require(try await queue.receive(visibilityTimeout: .seconds(30)).first)
        #expect(second.dequeueCount == 2)
        let afterRedelivery = await storageError {
            _ = try await queue.update(
                messageId: first.messageId, popReceipt: updated.popReceipt, visibilityTimeout: .seconds(5))
        }
        #expect(afterRedelivery?.code == .messageNotFound)

        try await queue.delete(messageId: second.messageId, popReceipt: try #require(second.popReceipt))
        let afterDelete = await storageError {
            try await queue.delete(messageId: second.messageId, popReceipt: try #require(second.popReceipt))
        }
        #expect(afterDelete?.code == .messageNotFound)
    }

    @Test("limits: 33 messages, a zero receive visibility, 64 KiB + 1 are refused")
    func limits() async throws {
        let service = try TestQueueService()
        let queue = try await service.newQueue()
        let tooMany = await storageError { _ = try await queue.receive(count: 33) }
        #expect(tooMany?.code == .outOfRangeQueryParameterValue)
        let zeroVisibility = await storageError { _ = try await queue.receive(visibilityTimeout: .zero) }
        #expect(zeroVisibility?.code == .outOfRangeQueryParameterValue)
        let tooLarge = await storageError { try await queue.send(String(repeating: "a", count: 65_537)) }
        #expect(tooLarge?.status == 413)
        try await queue.send(String(repeating: "é", count: 32_768))
        let notFound = await storageError {
            _ = try await QueueClient(account: service.account, queueName: "absent").send("x")
        }
        #expect(notFound?.code == .queueNotFound)
    }

    @Test("listQueues pages through the account as an AsyncSequence")
    func listQueues() async throws {
        let service = try TestQueueService()
        let queues = QueueServiceClient(account: service.account)
        for index in 0..<7 {
            try await queues.queueClient("list-\(index)").create(metadata: ["n": String(index)])
        }
        try await queues.queueClient("other").create()
        var names: [String] = []
        for try await item in queues.listQueues(prefix: "list-", includeMetadata: true, pageSize: 3) {
            names.append(item.name)
            #expect(item.metadata?.first?.value == String(item.name.last!))
        }
        #expect(names == (0..<7).map { "list-\($0)" })
        let page = try await queues.listQueuesPage(pageSize: 2)
        #expect(page.queues.count == 2)
        #expect(page.nextMarker != nil)
    }
}
