//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
public import StorageCore

extension MessageEnvelope {
    /// The envelope as pip-services' JSON:
    /// `{"correlation_id":…,"message_id":…,"message_type":…,"sent_time":"…Z","message":"<base64>"}`.
    ///
    /// `sent_time` is ISO 8601 in UTC with milliseconds; absent ids and types are `null`.
    public var json: JSONValue {
        .object([
            JSONMember("correlation_id", self.correlationId.map(JSONValue.string) ?? .null),
            JSONMember("message_id", .string(self.messageId)),
            JSONMember("message_type", self.messageType.map(JSONValue.string) ?? .null),
            JSONMember("sent_time", .string(Self.timeFormat.format(self.sentTime))),
            JSONMember("message", .string(Base64.encode(self.message))),
        ])
    }

    /// The envelope's JSON as text.
    public var jsonText: String {
        JSONWriter.string(self.json)
    }

    /// Reads an envelope from pip-services' JSON.
    ///
    /// Also reads the PascalCase names of pip-services' `BackwardCompatibilityMessageEnvelope`
    /// (`CorrelationId`, `MessageId`, `MessageType`, `SentTime`, `Message`). A `message`
    /// that is not base64 is taken as UTF-8 text.
    ///
    /// - Returns: `nil` when `text` is not a JSON object with a message id.
    public init?(jsonText text: String) {
        guard let value = try? JSONParser.parse(Array(text.utf8)), value.objectMembers != nil else { return nil }
        func field(_ snakeCase: String, _ pascalCase: String) -> String? {
            (value[snakeCase] ?? value[pascalCase])?.stringValue
        }
        guard let messageId = field("message_id", "MessageId") else { return nil }
        let payload = field("message", "Message") ?? ""
        self.init(
            correlationId: field("correlation_id", "CorrelationId"),
            messageType: field("message_type", "MessageType"),
            message: Base64.decode(payload) ?? Array(payload.utf8),
            messageId: messageId,
            sentTime: field("sent_time", "SentTime").flatMap(Self.parseTime) ?? Date())
    }

    /// ISO 8601, UTC, with milliseconds.
    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    private static func parseTime(_ text: String) -> Date? {
        (try? Self.timeFormat.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
