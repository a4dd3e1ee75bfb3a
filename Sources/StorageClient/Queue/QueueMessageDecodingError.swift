//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A received or peeked message whose text is not valid for the client's
/// QueueMessageEncoding: with `.base64`, text that is not base64 of UTF-8 — usually a
/// producer that sent plain text.
public struct QueueMessageDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The message's id.
    public var messageId: String
    /// The text as the service returned it.
    public var rawText: String

    /// Creates an error.
    public init(messageId: String, rawText: String) {
        self.messageId = messageId
        self.rawText = rawText
    }

    /// What went wrong.
    public var description: String {
        "message \(self.messageId) is not base64 of UTF-8 text; was it sent without encoding?"
    }
}
