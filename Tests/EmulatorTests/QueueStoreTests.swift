//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageCore
import Synchronization
import Testing

/// A clock tests move by hand, in milliseconds.
final class ManualClock: Sendable {
    private let milliseconds = Mutex<Int64>(1_700_000_000_000)

    /// The current time.
    func now() -> Int64 { self.milliseconds.withLock { $0 } }

    /// Moves time forward (or back, for the monotonic check).
    func advance(_ delta: Int64) { self.milliseconds.withLock { $0 += delta } }
}

@Suite("Queue store")
struct QueueStoreTests {
    private static func makeStore(_ clock: ManualClock) throws -> QueueStore {
        try QueueStore(location: .inMemory, wallClock: { clock.now() })
    }

    @Test("create compares metadata names ignoring case; delete removes messages")
    func createAndDelete() throws {
        let store = try Self.makeStore(ManualClock())
        let metadata = [QueueMetadataEntry(name: "Owner", value: "ann")]
        #expect(try store.createQueue(account: "a", name: "q", metadata: metadata) == .created)
        #expect(
            try store.createQueue(account: "a", name: "q", metadata: [QueueMetadataEntry(name: "owner", value: "ann")])
                == .existedWithSameMetadata)
        #expect(try store.createQueue(account: "a", name: "q", metadata: []) == .existedWithOtherMetadata)
        #expect(try store.createQueue(account: "b", name: "q", metadata: []) == .created)
        _ = try store.putMessage(account: "a", queue: "q", text: "x", visibilityTimeout: 0, timeToLive: nil)
        #expect(try store.queueProperties(account: "a", name: "q")?.messageCount == 1)
        #expect(try store.queueProperties(account: "a", name: "q")?.metadata == metadata)
        #expect(try store.deleteQueue(account: "a", name: "q"))
        #expect(try !store.deleteQueue(account: "a", name: "q"))
        #expect(try store.createQueue(account: "a", name: "q", metadata: []) == .created)
        #expect(try store.peekMessages(account: "a", queue: "q", count: 32) == [])
        #expect(
            try store.putMessage(account: "a", queue: "none", text: "x", visibilityTimeout: 0, timeToLive: nil) == nil)
    }

    @Test("get hides messages, issues new receipts, counts dequeues and redelivers after the timeout")
    func visibilityAndRedelivery() throws {
        let clock = ManualClock()
        let store = try Self.makeStore(clock)
        _ = try store.createQueue(account: "a", name: "q", metadata: [])
        let put = try #require(
            try store.putMessage(account: "a", queue: "q", text: "m", visibilityTimeout: 0, timeToLive: 60_000))
        let first = try #require(try store.receiveMessages(account: "a", queue: "q", count: 1, visibilityTimeout: 1000))
        #expect(first.map(\.dequeueCount) == [1])
        #expect(first[0].popReceipt != put.popReceipt)
        #expect(try store.receiveMessages(account: "a", queue: "q", count: 1, visibilityTimeout: 1000) == [])
        clock.advance(999)
        #expect(try store.peekMessages(account: "a", queue: "q", count: 1) == [])
        clock.advance(1)
        let second = try #require(
            try store.receiveMessages(account: "a", queue: "q", count: 1, visibilityTimeout: 1000))
        #expect(second.map(\.dequeueCount) == [2])
        #expect(
            try store.deleteMessage(account: "a", queue: "q", messageID: put.messageID, popReceipt: first[0].popReceipt)
                == .messageNotFound)
        #expect(
            try store.updateMessage(
                account: "a", queue: "q", messageID: put.messageID, popReceipt: first[0].popReceipt,
                visibilityTimeout: 0, text: nil) == .messageNotFound)
        guard
            case .changed(let updated) = try store.updateMessage(
                account: "a", queue: "q", messageID: put.messageID, popReceipt: second[0].popReceipt,
                visibilityTimeout: 0, text: "new")
        else {
            Issue.record("the current receipt must update")
            return
        }
        #expect(updated.popReceipt != second[0].popReceipt && updated.text == "new")
        #expect(try store.peekMessages(account: "a", queue: "q", count: 1)?.map(\.text) == ["new"])
        #expect(
            try store.deleteMessage(account: "a", queue: "q", messageID: put.messageID, popReceipt: updated.popReceipt)
                == .changed(updated))
        #expect(try store.peekMessages(account: "a", queue: "q", count: 1) == [])
    }

    @Test("a put message can be deleted with the receipt Put returned")
    func deleteWithPutReceipt() throws {
        let store = try Self.makeStore(ManualClock())
        _ = try store.createQueue(account: "a", name: "q", metadata: [])
        let put = try #require(
            try store.putMessage(account: "a", queue: "q", text: "m", visibilityTimeout: 5000, timeToLive: nil))
        guard
            case .changed = try store.deleteMessage(
                account: "a", queue: "q", messageID: put.messageID, popReceipt: put.popReceipt)
        else {
            Issue.record("Put's receipt must delete")
            return
        }
    }

    @Test("expired messages are invisible to get, peek, update, delete and the count")
    func expiry() throws {
        let clock = ManualClock()
        let store = try Self.makeStore(clock)
        _ = try store.createQueue(account: "a", name: "q", metadata: [])
        let short = try #require(
            try store.putMessage(account: "a", queue: "q", text: "short", visibilityTimeout: 0, timeToLive: 1000))
        _ = try store.putMessage(account: "a", queue: "q", text: "forever", visibilityTimeout: 0, timeToLive: nil)
        clock.advance(1000)
        #expect(try store.peekMessages(account: "a", queue: "q", count: 32)?.map(\.text) == ["forever"])
        #expect(try store.queueProperties(account: "a", name: "q")?.messageCount == 1)
        #expect(
            try store.deleteMessage(account: "a", queue: "q", messageID: short.messageID, popReceipt: short.popReceipt)
                == .messageNotFound)
        #expect(
            try store.updateMessage(
                account: "a", queue: "q", messageID: short.messageID, popReceipt: short.popReceipt,
                visibilityTimeout: 0, text: nil) == .messageNotFound)
        let received = try store.receiveMessages(account: "a", queue: "q", count: 32, visibilityTimeout: 1000)
        #expect(received?.map(\.text) == ["forever"])
        #expect(received?.first?.expirationTime == QueueStore.neverExpires)
    }

    @Test("delivery is by next-visible time, then insertion order; time never runs back")
    func ordering() throws {
        let clock = ManualClock()
        let store = try Self.makeStore(clock)
        _ = try store.createQueue(account: "a", name: "q", metadata: [])
        _ = try store.putMessage(account: "a", queue: "q", text: "late", visibilityTimeout: 500, timeToLive: nil)
        for index in 0..<3 {
            _ = try store.putMessage(account: "a", queue: "q", text: "m\(index)", visibilityTimeout: 0, timeToLive: nil)
        }
        #expect(try store.peekMessages(account: "a", queue: "q", count: 32)?.map(\.text) == ["m0", "m1", "m2"])
        clock.advance(500)
        #expect(try store.peekMessages(account: "a", queue: "q", count: 32)?.map(\.text) == ["m0", "m1", "m2", "late"])
        clock.advance(-10_000)
        #expect(try store.peekMessages(account: "a", queue: "q", count: 32)?.count == 4)
    }

    @Test("list is sorted, filtered by prefix and paged")
    func listing() throws {
        let store = try Self.makeStore(ManualClock())
        for name in ["b-2", "a-1", "b-1", "b-3", "c-1"] {
            _ = try store.createQueue(account: "a", name: name, metadata: [])
        }
        let first = try store.listQueues(account: "a", prefix: "b-", after: nil, limit: 2)
        #expect(first.queues.map(\.name) == ["b-1", "b-2"] && first.hasMore)
        let second = try store.listQueues(account: "a", prefix: "b-", after: "b-2", limit: 2)
        #expect(second.queues.map(\.name) == ["b-3"] && !second.hasMore)
        #expect(try store.listQueues(account: "a", prefix: "", after: nil, limit: 10).queues.count == 5)
    }

    @Test("get messages stays fast with many messages hidden ahead of the visible ones")
    func indexedReceive() throws {
        let clock = ManualClock()
        let store = try Self.makeStore(clock)
        _ = try store.createQueue(account: "a", name: "q", metadata: [])
        for _ in 0..<2000 {
            _ = try store.putMessage(account: "a", queue: "q", text: "x", visibilityTimeout: 0, timeToLive: nil)
        }
        let started = ContinuousClock.now
        for _ in 0..<50 {
            #expect(
                try store.receiveMessages(account: "a", queue: "q", count: 32, visibilityTimeout: 60_000)?.count == 32)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }
}
