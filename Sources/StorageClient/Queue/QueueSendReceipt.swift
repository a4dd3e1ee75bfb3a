//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// What Put Message answers: the new message's id and a pop receipt that already works for
/// Delete and Update Message.
public struct QueueSendReceipt: Sendable, Hashable {
    /// The service's id of the message.
    public var messageId: String
    /// A receipt usable for delete or update before any receive.
    public var popReceipt: String
    /// When the message was put.
    public var insertionTime: Date
    /// When it expires; far in the future for ``QueueMessageTimeToLive/never``.
    public var expirationTime: Date
    /// When it first becomes visible.
    public var timeNextVisible: Date

    /// Creates a receipt.
    public init(messageId: String, popReceipt: String, insertionTime: Date, expirationTime: Date, timeNextVisible: Date)
    {
        self.messageId = messageId
        self.popReceipt = popReceipt
        self.insertionTime = insertionTime
        self.expirationTime = expirationTime
        self.timeNextVisible = timeNextVisible
    }
}
