//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// A message queue within one process, with the same semantics as StorageMessageQueue:
/// a received message is locked for the lock timeout and delivered again when the lock runs
/// out; every receive issues a new receipt and invalidates the old one; renewals issue new
/// receipts; poison messages go to a dead-letter queue.
///
/// For tests, single-instance deployments, and as the reference the storage queue is checked
/// against. Unlike pip-services' `MemoryMessageQueue`, locked messages *are* redelivered after
/// the lock timeout, and the lock timeout is a setting rather than the receive's wait.
public final class MemoryMessageQueue: MessageQueue {
    private struct StoredMessage {
        var envelope: MessageEnvelope
        var brokerMessageId: String
        var visibleAt: ContinuousClock.Instant
        var dequeueCount: Int
        var receipt: String?
    }

    private struct State {
        var messages: [StoredMessage] = []
        var nextNumber = 1
    }

    /// The queue's name.
    public let name: String
    /// Leasing, polling and poison settings.
    public let configuration: MessageQueueConfiguration
    /// Where poison and dead-lettered messages go; `nil` for a dead-letter queue itself, whose
    /// messages are never moved further.
    public let deadLetterQueue: MemoryMessageQueue?
    private let state = Mutex(State())

    /// Creates an empty queue with an empty dead-letter queue named
    /// `name + configuration.deadLetterSuffix`.
    public convenience init(name: String = "memory", configuration: MessageQueueConfiguration = .init()) {
        let deadLetter = MemoryMessageQueue(
            name: name + configuration.deadLetterSuffix, configuration: configuration, deadLetterQueue: nil)
        self.init(name: name, configuration: configuration, deadLetterQueue: deadLetter)
    }

    /// Creates an empty queue that moves poison messages to `deadLetterQueue`, or keeps them
    /// when it is `nil`.
    public init(name: String, configuration: MessageQueueConfiguration, deadLetterQueue: MemoryMessageQueue?) {
        self.name = name
        self.configuration = configuration
        self.deadLetterQueue = deadLetterQueue
    }

    /// Everything but counting is exact here; all capabilities.
    public var capabilities: MessagingCapabilities { .all }

    /// The configured lock timeout.
    public var lockTimeout: Duration { self.configuration.lockTimeout }

    /// The number of messages, locked ones included.
    public func readMessageCount() async throws -> Int {
        self.state.withLock { $0.messages.count }
    }

    /// Appends a copy of `envelope` (without its handle), visible at once.
    public func send(_ envelope: MessageEnvelope) async throws {
        var stored = envelope
        stored.handle = nil
        self.state.withLock { state in
            let number = state.nextNumber
            state.nextNumber += 1
            state.messages.append(
                StoredMessage(
                    envelope: stored, brokerMessageId: String(number), visibleAt: ContinuousClock.now, dequeueCount: 0,
                    receipt: nil))
        }
    }

    /// The first visible message, unlocked.
    public func peek() async throws -> MessageEnvelope? {
        try await self.peekBatch(count: 1).first
    }

    /// Up to `count` visible messages in order of sending, unlocked.
    public func peekBatch(count: Int) async throws -> [MessageEnvelope] {
        let now = ContinuousClock.now
        return self.state.withLock { state in
            Array(state.messages.lazy.filter { $0.visibleAt <= now }.prefix(max(count, 0)).map(\.envelope))
        }
    }

    /// Receives and locks the first visible message, polling until `waitTimeout`.
    public func receive(waitTimeout: Duration) async throws -> MessageEnvelope? {
        let polling = ReceivePolling(
            minimumInterval: min(self.configuration.minimumPollInterval, .milliseconds(20)),
            maximumInterval: min(self.configuration.maximumPollInterval, .milliseconds(200)))
        return try await polling.poll(waitTimeout: waitTimeout) {
            while true {
                guard let (message, poisoned) = self.receiveOne() else { return nil }
                guard poisoned else { return message }
                try await self.moveToDeadLetter(message)
            }
        }
    }

    /// Locks the first visible message; `poisoned` when it was received too often.
    private func receiveOne() -> (MessageEnvelope, poisoned: Bool)? {
        let now = ContinuousClock.now
        return self.state.withLock { state -> (MessageEnvelope, poisoned: Bool)? in
            guard let index = state.messages.firstIndex(where: { $0.visibleAt <= now }) else { return nil }
            let receipt = String(state.nextNumber)
            state.nextNumber += 1
            state.messages[index].dequeueCount += 1
            state.messages[index].receipt = receipt
            state.messages[index].visibleAt = now + self.configuration.lockTimeout
            let stored = state.messages[index]
            var envelope = stored.envelope
            envelope.handle = MessageHandle(
                brokerMessageId: stored.brokerMessageId, dequeueCount: stored.dequeueCount, queueName: self.name,
                receipt: receipt)
            let poisoned = self.deadLetterQueue != nil && stored.dequeueCount > self.configuration.maxDequeueCount
            return (envelope, poisoned)
        }
    }

    /// Extends the lock to `lockTimeout` from now and issues a new receipt.
    public func renewLock(_ message: MessageEnvelope, lockTimeout: Duration) async throws {
        try self.update(message) { stored, state in
            let receipt = String(state.nextNumber)
            state.nextNumber += 1
            stored.receipt = receipt
            stored.visibleAt = ContinuousClock.now + lockTimeout
            message.handle?.replaceReceipt(receipt)
            return false
        }
    }

    /// Deletes the message.
    public func complete(_ message: MessageEnvelope) async throws {
        try self.update(message) { _, _ in true }
    }

    /// Makes the message visible again at once; its receipt stops working.
    public func abandon(_ message: MessageEnvelope) async throws {
        try self.update(message) { stored, _ in
            stored.receipt = nil
            stored.visibleAt = ContinuousClock.now
            return false
        }
    }

    /// Sends a copy to the dead-letter queue, then deletes the message. Without a dead-letter
    /// queue, only checks the lock.
    public func moveToDeadLetter(_ message: MessageEnvelope) async throws {
        guard let deadLetterQueue = self.deadLetterQueue else {
            try self.update(message) { _, _ in false }
            return
        }
        try self.update(message) { _, _ in false }
        try await deadLetterQueue.send(message)
        try await self.complete(message)
    }

    /// Removes every message.
    public func clear() async throws {
        self.state.withLock { $0.messages.removeAll() }
    }

    /// Applies `change` to the stored message if `message`'s receipt still holds its lock;
    /// removes it when `change` returns `true`.
    private func update(
        _ message: MessageEnvelope, _ change: (inout StoredMessage, inout State) -> Bool
    ) throws(MessageQueueError) {
        guard let handle = message.handle, handle.queueName == self.name else {
            throw MessageQueueError(
                code: .notReceived, queue: self.name, message: "The message was not received from this queue.")
        }
        let receipt = handle.receipt
        let done = self.state.withLock { state -> Bool in
            guard
                let index = state.messages.firstIndex(where: {
                    $0.brokerMessageId == handle.brokerMessageId && $0.receipt == receipt
                })
            else { return false }
            var stored = state.messages[index]
            if change(&stored, &state) {
                state.messages.remove(at: index)
            } else {
                state.messages[index] = stored
            }
            return true
        }
        guard done else { throw .lockLost(queue: self.name, messageId: handle.brokerMessageId) }
    }
}
