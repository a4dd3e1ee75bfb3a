//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
import StorageCore

/// A message with the metadata pip-services' `MessageEnvelope` carries: who asked for it
/// (`correlationId`), its own id, its type, when it was sent, and the payload bytes.
///
/// On the wire it is pip-services' JSON (see `MessageEnvelope+JSON.swift`), so queues written
/// by pip-services producers can be read here and the other way round.
public struct MessageEnvelope: Sendable {
    /// The correlation id of the operation that sent it, for tracing; may be absent.
    public var correlationId: String?
    /// The sender's id of the message: a lowercase UUID without dashes unless given.
    public var messageId: String
    /// What the payload is, such as `"AnalysisOfNewFiles"`; may be absent.
    public var messageType: String?
    /// When it was sent, by the sender's clock.
    public var sentTime: Date
    /// The payload.
    public var message: [UInt8]
    /// The broker's handle, set on envelopes returned by `receive`; never serialized.
    public var handle: MessageHandle?

    /// Creates an envelope.
    ///
    /// - Parameters:
    ///   - correlationId: The operation's correlation id.
    ///   - messageType: The payload's type.
    ///   - message: The payload.
    ///   - messageId: The id; a new one unless given.
    ///   - sentTime: When it was sent; now unless given.
    public init(
        correlationId: String? = nil, messageType: String? = nil, message: [UInt8],
        messageId: String = MessageEnvelope.newMessageId(), sentTime: Date = Date()
    ) {
        self.correlationId = correlationId
        self.messageId = messageId
        self.messageType = messageType
        self.sentTime = sentTime
        self.message = message
        self.handle = nil
    }

    /// Creates an envelope whose payload is UTF-8 text.
    public init(correlationId: String? = nil, messageType: String? = nil, text: String) {
        self.init(correlationId: correlationId, messageType: messageType, message: Array(text.utf8))
    }

    /// The payload as UTF-8 text (invalid sequences replaced).
    public var text: String {
        String(decoding: self.message, as: UTF8.self)
    }

    /// How many times the message has been received, this time included; 0 when not received.
    public var dequeueCount: Int {
        self.handle?.dequeueCount ?? 0
    }

    /// A new message id: a lowercase UUID without dashes, as pip-services' `IdGenerator` makes.
    public static func newMessageId() -> String {
        String(RandomIdentifier.uuidString().filter { $0 != "-" })
    }
}
