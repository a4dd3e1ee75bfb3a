//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A message-queue operation that could not do what was asked.
public struct MessageQueueError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code string, such as `LOCK_LOST`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The lock on a received message is gone: its lock timeout ran out and someone else
        /// received it, or it was already completed, abandoned or dead-lettered. Whatever was
        /// done with it must be assumed to happen again elsewhere.
        public static let lockLost = Code("LOCK_LOST")
        /// The envelope was not received from this queue (it has no lock handle), so it cannot
        /// be completed, renewed, abandoned or dead-lettered.
        public static let notReceived = Code("NOT_RECEIVED")
        /// An argument is out of range, such as a batch of more than 32.
        public static let invalidArgument = Code("INVALID_ARGUMENT")

        /// The code string.
        public var description: String { self.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The queue concerned.
    public let queue: String
    /// A sentence for people.
    public let message: String

    /// Creates an error.
    public init(code: Code, queue: String, message: String) {
        self.code = code
        self.queue = queue
        self.message = message
    }

    /// The lock on message `messageId` of `queue` is lost.
    public static func lockLost(queue: String, messageId: String) -> MessageQueueError {
        MessageQueueError(
            code: .lockLost, queue: queue,
            message: "The lock on message \(messageId) was lost: it timed out and was received again, or was already "
                + "completed")
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
