//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A queue of messages with leased delivery: pip-services' `IMessageQueue`.
///
/// A received message is *locked* (invisible to other receivers) for the queue's lock
/// timeout. Its receiver then either **completes** it (deletes it), **abandons** it (makes it
/// visible again at once), **moves it to the dead-letter queue**, or **renews the lock** while
/// it keeps working. If the receiver dies, the lock runs out and the message is delivered again
/// — delivery is *at least once*; see `Docs/QUEUES.md` for what "exactly once" needs.
///
/// Every operation on a received message throws ``MessageQueueError/Code/lockLost`` when the
/// lock is gone (it ran out and someone else received the message, or it was completed).
public protocol MessageQueue: Sendable {
    /// The queue's name.
    var name: String { get }
    /// What this queue supports.
    var capabilities: MessagingCapabilities { get }
    /// How long a received message stays locked unless renewed.
    var lockTimeout: Duration { get }

    /// The number of messages in the queue, locked ones included; approximate for Azure.
    func readMessageCount() async throws -> Int

    /// Sends a message.
    func send(_ envelope: MessageEnvelope) async throws

    /// The next visible message, without locking it; `nil` when none is visible.
    func peek() async throws -> MessageEnvelope?

    /// Up to `count` visible messages, without locking them.
    func peekBatch(count: Int) async throws -> [MessageEnvelope]

    /// Receives and locks the next visible message, waiting up to `waitTimeout` for one.
    ///
    /// - Returns: The message with its ``MessageEnvelope/handle``, or `nil` when none arrived
    ///   in time. Poison messages (received more than the configured maximum) are moved to the
    ///   dead-letter queue on the way, never returned.
    func receive(waitTimeout: Duration) async throws -> MessageEnvelope?

    /// Extends the lock on a received message to `lockTimeout` from now.
    ///
    /// The broker's new receipt replaces the old one in the message's handle.
    func renewLock(_ message: MessageEnvelope, lockTimeout: Duration) async throws

    /// Removes a received message for good: its processing is done.
    func complete(_ message: MessageEnvelope) async throws

    /// Gives a received message back: it becomes visible again at once.
    func abandon(_ message: MessageEnvelope) async throws

    /// Moves a received message to the dead-letter queue.
    func moveToDeadLetter(_ message: MessageEnvelope) async throws

    /// Removes every message.
    func clear() async throws
}
