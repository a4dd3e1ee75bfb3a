//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// A message as Get Messages or Peek Messages returned it.
///
/// Received messages carry a pop receipt and the time they become visible again; peeked ones
/// carry neither.
public struct QueueMessage: Sendable, Hashable {
    /// The service's id of the message.
    public var messageId: String
    /// The receipt that proves this receiver's lock; `nil` on a peeked message. Every receive
    /// and every update issues a new one and invalidates the previous.
    public var popReceipt: String?
    /// How many times the message has been received, this time included.
    public var dequeueCount: Int
    /// When the message was put.
    public var insertionTime: Date
    /// When it expires.
    public var expirationTime: Date
    /// When it becomes visible again unless deleted or updated; `nil` on a peeked message.
    public var timeNextVisible: Date?
    /// The text, decoded by the client's QueueMessageEncoding.
    public var text: String

    /// Creates a message.
    public init(
        messageId: String, popReceipt: String?, dequeueCount: Int, insertionTime: Date, expirationTime: Date,
        timeNextVisible: Date?, text: String
    ) {
        self.messageId = messageId
        self.popReceipt = popReceipt
        self.dequeueCount = dequeueCount
        self.insertionTime = insertionTime
        self.expirationTime = expirationTime
        self.timeNextVisible = timeNextVisible
        self.text = text
    }
}
