//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageCore
import Testing

@Suite("Message envelope JSON")
struct MessageEnvelopeTests {
    @Test("writes pip-services' field names with a base64 payload and reads them back")
    func roundTrip() throws {
        let sentTime = Date(timeIntervalSince1970: 1_700_000_000.125)
        let envelope = MessageEnvelope(
            correlationId: "c1", messageType: "T", message: [0, 1, 2, 250], messageId: "abc", sentTime: sentTime)
        let json = try JSONParser.parse(Array(envelope.jsonText.utf8))
        #expect(
            json.objectMembers?.map(\.name) == ["correlation_id", "message_id", "message_type", "sent_time", "message"])
        #expect(json["message"]?.stringValue == "AAEC+g==")
        #expect(json["sent_time"]?.stringValue == "2023-11-14T22:13:20.125Z")
        let back = try #require(MessageEnvelope(jsonText: envelope.jsonText))
        #expect(back.correlationId == "c1")
        #expect(back.messageId == "abc")
        #expect(back.messageType == "T")
        #expect(back.message == [0, 1, 2, 250])
        #expect(abs(back.sentTime.timeIntervalSince(sentTime)) < 0.001)
    }

    @Test("reads the PascalCase backward-compatible envelope and null fields")
    func backwardCompatible() throws {
        let text =
            #"{"CorrelationId":null,"MessageId":"m1","MessageType":"X","SentTime":"2024-01-02T03:04:05Z","Message":"aGk="}"#
        let envelope = try #require(MessageEnvelope(jsonText: text))
        #expect(envelope.correlationId == nil)
        #expect(envelope.messageId == "m1")
        #expect(envelope.text == "hi")
        #expect(MessageEnvelope(jsonText: "plain text") == nil)
        #expect(MessageEnvelope(jsonText: #"{"message":"aGk="}"#) == nil, "no id, not an envelope")
    }
}
