//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageClient
import StorageCore

/// A ``MessageQueue`` over an Azure Storage queue: pip-services' `StorageMessageQueue`, with its
/// flaws fixed.
///
/// The **visibility timeout is the lock** and the **pop receipt is the handle**:
/// - `receive` is Get Messages with the configured ``MessageQueueConfiguration/lockTimeout``
///   (pip-services hard-codes 60 s), polling with doubling pauses until the wait runs out;
/// - `renewLock` is Update Message and **keeps the new pop receipt** (the old one stops
///   working);
/// - `abandon` is Update Message with visibility 0; `complete` is Delete Message;
/// - a message received more than ``MessageQueueConfiguration/maxDequeueCount`` times is
///   poison: its text is copied to `<queue>-poison` and the original deleted, and `receive`
///   goes on to the next message (pip-services never looks at the dequeue count);
/// - `moveToDeadLetter` does the same for a message its receiver gives up on.
///
/// Messages are pip-services' envelope JSON (``MessageEnvelope/jsonText``), encoded by the
/// client's ``StorageClient/QueueMessageEncoding``. A message that is not an envelope — from
/// another producer — arrives as an envelope whose payload is its text and whose id is the
/// broker's.
///
/// A stale receipt (404 `MessageNotFound` or 400 `PopReceiptMismatch`) throws
/// ``MessageQueueError/Code/lockLost``; other failures pass through.
public final class StorageMessageQueue: MessageQueue {
    /// The queue.
    public let client: QueueClient
    /// The dead-letter queue: `<queue>-poison` unless given.
    public let deadLetterClient: QueueClient
    /// Leasing, polling and poison settings.
    public let configuration: MessageQueueConfiguration

    /// Creates a queue over `client`; nothing is sent (see ``open()``).
    ///
    /// - Parameters:
    ///   - client: The queue's client; its encoding is the queue's.
    ///   - configuration: Lock timeout, polling and poison settings.
    ///   - deadLetterQueueName: The dead-letter queue (pip-services' `dead`); the queue's name
    ///     followed by ``MessageQueueConfiguration/deadLetterSuffix`` unless given.
    public init(
        client: QueueClient, configuration: MessageQueueConfiguration = .init(), deadLetterQueueName: String? = nil
    ) {
        self.client = client
        self.configuration = configuration
        self.deadLetterClient = client.sibling(
            queueName: deadLetterQueueName ?? client.queueName + configuration.deadLetterSuffix)
    }

    /// The queue's name.
    public var name: String { self.client.queueName }

    /// Everything; unlike pip-services, lock renewal is advertised because it works.
    public var capabilities: MessagingCapabilities { .all }

    /// The configured lock timeout.
    public var lockTimeout: Duration { self.configuration.lockTimeout }

    /// Creates the queue and its dead-letter queue unless they exist.
    public func open() async throws {
        try await self.client.createIfNotExists()
        try await self.deadLetterClient.createIfNotExists()
    }

    /// The approximate number of messages, locked ones included.
    public func readMessageCount() async throws -> Int {
        try await self.client.properties().approximateMessageCount
    }

    /// Puts the envelope's JSON.
    public func send(_ envelope: MessageEnvelope) async throws {
        try await self.client.send(envelope.jsonText)
    }

    /// The next visible message, unlocked.
    public func peek() async throws -> MessageEnvelope? {
        try await self.peekBatch(count: 1).first
    }

    /// Up to `count` (at most 32) visible messages, unlocked.
    public func peekBatch(count: Int) async throws -> [MessageEnvelope] {
        guard count > 0 else { return [] }
        return try await self.client.peek(count: min(count, QueueClient.maximumBatchSize)).map {
            self.envelope(from: $0)
        }
    }

    /// Receives and locks one message, polling with doubling pauses until `waitTimeout`;
    /// poison messages met on the way are moved to the dead-letter queue.
    public func receive(waitTimeout: Duration) async throws -> MessageEnvelope? {
        let polling = ReceivePolling(
            minimumInterval: self.configuration.minimumPollInterval,
            maximumInterval: self.configuration.maximumPollInterval)
        return try await polling.poll(waitTimeout: waitTimeout) {
            while true {
                guard
                    let message = try await self.client.receive(
                        count: 1, visibilityTimeout: self.configuration.lockTimeout
                    ).first
                else { return nil }
                let envelope = self.envelope(from: message)
                guard message.dequeueCount > self.configuration.maxDequeueCount else { return envelope }
                do {
                    try await self.moveToDeadLetter(envelope)
                } catch let error as MessageQueueError where error.code == .lockLost {
                    // Someone else dealt with it meanwhile.
                }
            }
        }
    }

    /// Extends the lock to `lockTimeout` from now (whole seconds, rounded up) and keeps the new
    /// pop receipt in the message's handle.
    public func renewLock(_ message: MessageEnvelope, lockTimeout: Duration) async throws {
        let handle = try self.handle(of: message)
        try await self.mappingLostReceipt(handle) {
            let receipt = try await self.client.update(
                messageId: handle.brokerMessageId, popReceipt: handle.receipt, visibilityTimeout: lockTimeout)
            handle.replaceReceipt(receipt.popReceipt)
        }
    }

    /// Deletes the message.
    public func complete(_ message: MessageEnvelope) async throws {
        let handle = try self.handle(of: message)
        try await self.mappingLostReceipt(handle) {
            try await self.client.delete(messageId: handle.brokerMessageId, popReceipt: handle.receipt)
        }
    }

    /// Makes the message visible at once (Update Message with visibility 0).
    public func abandon(_ message: MessageEnvelope) async throws {
        let handle = try self.handle(of: message)
        try await self.mappingLostReceipt(handle) {
            let receipt = try await self.client.update(
                messageId: handle.brokerMessageId, popReceipt: handle.receipt, visibilityTimeout: .zero)
            handle.replaceReceipt(receipt.popReceipt)
        }
    }

    /// Copies the message's text to the dead-letter queue (creating it if needed), then
    /// deletes the original.
    ///
    /// The copy comes first: a failure between the two leaves a duplicate in the dead-letter
    /// queue rather than losing the message.
    public func moveToDeadLetter(_ message: MessageEnvelope) async throws {
        let handle = try self.handle(of: message)
        let text = handle.originalText ?? message.jsonText
        do {
            try await self.deadLetterClient.send(text, timeToLive: .never)
        } catch let error as StorageError where error.code == .queueNotFound {
            try await self.deadLetterClient.createIfNotExists()
            try await self.deadLetterClient.send(text, timeToLive: .never)
        }
        try await self.complete(message)
    }

    /// Deletes every message of the queue.
    public func clear() async throws {
        try await self.client.clear()
    }

    // MARK: - Helpers

    /// The envelope in a message's text, with a handle when it was received.
    private func envelope(from message: QueueMessage) -> MessageEnvelope {
        var envelope =
            MessageEnvelope(jsonText: message.text)
            ?? MessageEnvelope(
                message: Array(message.text.utf8), messageId: message.messageId, sentTime: message.insertionTime)
        if let popReceipt = message.popReceipt {
            envelope.handle = MessageHandle(
                brokerMessageId: message.messageId, dequeueCount: message.dequeueCount, queueName: self.name,
                receipt: popReceipt, originalText: message.text)
        }
        return envelope
    }

    private func handle(of message: MessageEnvelope) throws(MessageQueueError) -> MessageHandle {
        guard let handle = message.handle, handle.queueName == self.name else {
            throw MessageQueueError(
                code: .notReceived, queue: self.name, message: "The message was not received from this queue.")
        }
        return handle
    }

    /// Runs `operation`, turning a stale-receipt refusal into ``MessageQueueError/Code/lockLost``.
    private func mappingLostReceipt(_ handle: MessageHandle, _ operation: () async throws -> Void) async throws {
        do {
            try await operation()
        } catch let error as StorageError where error.isLostPopReceipt {
            throw MessageQueueError.lockLost(queue: self.name, messageId: handle.brokerMessageId)
        }
    }
}
