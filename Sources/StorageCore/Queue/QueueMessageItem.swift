//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// One `<QueueMessage>` of a `<QueueMessagesList>`, as Put, Get and Peek Messages answer it.
///
/// Which fields are present depends on the operation: Put answers without `DequeueCount` and
/// `MessageText`; Peek answers without `PopReceipt` and `TimeNextVisible`. Dates travel in
/// RFC 1123 form, so they carry whole seconds only.
public struct QueueMessageItem: Sendable, Hashable {
    /// The service-assigned message id, a GUID.
    public var messageID: String
    /// When the message was put.
    public var insertionTime: Date
    /// When the message expires and disappears.
    public var expirationTime: Date
    /// The receipt needed to delete or update the message; absent on Peek.
    public var popReceipt: String?
    /// When the message becomes visible again; absent on Peek.
    public var timeNextVisible: Date?
    /// How often the message has been dequeued; absent on Put.
    public var dequeueCount: Int?
    /// The message text exactly as put; absent on Put.
    public var messageText: String?

    /// Creates a message entry.
    public init(
        messageID: String, insertionTime: Date, expirationTime: Date, popReceipt: String? = nil,
        timeNextVisible: Date? = nil, dequeueCount: Int? = nil, messageText: String? = nil
    ) {
        self.messageID = messageID
        self.insertionTime = insertionTime
        self.expirationTime = expirationTime
        self.popReceipt = popReceipt
        self.timeNextVisible = timeNextVisible
        self.dequeueCount = dequeueCount
        self.messageText = messageText
    }
}
