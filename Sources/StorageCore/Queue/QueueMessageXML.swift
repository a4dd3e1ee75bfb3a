//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The message bodies of the Queue service, in both directions.
///
/// Requests (Put Message, Update Message) carry `<QueueMessage><MessageText>…</MessageText>
/// </QueueMessage>`; answers (Put, Get, Peek Messages) carry `<QueueMessagesList>`. The server
/// encodes what the client decodes and the other way round, so both sides share this code.
public enum QueueMessageXML {
    /// The XML declaration Azure writes before every body.
    public static let declaration = #"<?xml version="1.0" encoding="utf-8"?>"#

    /// Encodes a Put or Update Message request body around `text`.
    public static func encodeMessageText(_ text: String) -> [UInt8] {
        Array(
            (Self.declaration + "<QueueMessage><MessageText>\(XMLText.escape(text))</MessageText></QueueMessage>")
                .utf8)
    }

    /// Decodes a Put or Update Message request body and returns its message text.
    ///
    /// The root must be `QueueMessage` and hold a `MessageText` element; both names match
    /// ignoring case, as Azure's parser does. An empty `MessageText` is an empty message.
    ///
    /// - Throws: ``XMLReadError`` when the body is not well-formed or lacks `MessageText`.
    public static func decodeMessageText(_ body: [UInt8]) throws(XMLReadError) -> String {
        let root = try XMLReader.parse(body)
        guard root.name.lowercased() == "queuemessage" else {
            throw XMLReadError(reason: "The root element must be <QueueMessage>.", offset: 0)
        }
        guard let text = root.child(caseInsensitive: "MessageText") else {
            throw XMLReadError(reason: "<QueueMessage> must hold a <MessageText> element.", offset: 0)
        }
        return text.text
    }

    /// Encodes a `<QueueMessagesList>` answer; absent fields are left out.
    public static func encodeList(_ messages: [QueueMessageItem]) -> [UInt8] {
        var xml = Self.declaration + "<QueueMessagesList>"
        for message in messages {
            xml += "<QueueMessage><MessageId>\(XMLText.escape(message.messageID))</MessageId>"
            xml += "<InsertionTime>\(HTTPDate.string(from: message.insertionTime))</InsertionTime>"
            xml += "<ExpirationTime>\(HTTPDate.string(from: message.expirationTime))</ExpirationTime>"
            if let popReceipt = message.popReceipt {
                xml += "<PopReceipt>\(XMLText.escape(popReceipt))</PopReceipt>"
            }
            if let timeNextVisible = message.timeNextVisible {
                xml += "<TimeNextVisible>\(HTTPDate.string(from: timeNextVisible))</TimeNextVisible>"
            }
            if let dequeueCount = message.dequeueCount {
                xml += "<DequeueCount>\(dequeueCount)</DequeueCount>"
            }
            if let messageText = message.messageText {
                xml += "<MessageText>\(XMLText.escape(messageText))</MessageText>"
            }
            xml += "</QueueMessage>"
        }
        return Array((xml + "</QueueMessagesList>").utf8)
    }

    /// Decodes a `<QueueMessagesList>` answer.
    ///
    /// - Throws: ``XMLReadError`` when the body is not well-formed, or a message lacks its id
    ///   or dates, or a date or count does not parse.
    public static func decodeList(_ body: [UInt8]) throws(XMLReadError) -> [QueueMessageItem] {
        let root = try XMLReader.parse(body)
        guard root.name == "QueueMessagesList" else {
            throw XMLReadError(reason: "The root element must be <QueueMessagesList>.", offset: 0)
        }
        var messages: [QueueMessageItem] = []
        for element in root.children("QueueMessage") {
            guard let messageID = element.child("MessageId")?.text else {
                throw XMLReadError(reason: "A <QueueMessage> lacks <MessageId>.", offset: 0)
            }
            let insertionTime = try Self.date(element, "InsertionTime")
            let expirationTime = try Self.date(element, "ExpirationTime")
            var message = QueueMessageItem(
                messageID: messageID, insertionTime: insertionTime, expirationTime: expirationTime)
            message.popReceipt = element.child("PopReceipt")?.text
            if element.child("TimeNextVisible") != nil {
                message.timeNextVisible = try Self.date(element, "TimeNextVisible")
            }
            if let count = element.child("DequeueCount")?.text {
                guard let value = Int(count.trimmingCharacters(in: .whitespaces)) else {
                    throw XMLReadError(reason: "DequeueCount '\(count)' is not a number.", offset: 0)
                }
                message.dequeueCount = value
            }
            message.messageText = element.child("MessageText")?.text
            messages.append(message)
        }
        return messages
    }

    private static func date(_ element: XMLElementTree, _ name: String) throws(XMLReadError) -> Date {
        guard let text = element.child(name)?.text else {
            throw XMLReadError(reason: "A <QueueMessage> lacks <\(name)>.", offset: 0)
        }
        guard let date = HTTPDate.date(from: text.trimmingCharacters(in: .whitespaces)) else {
            throw XMLReadError(reason: "<\(name)> '\(text)' is not an RFC 1123 date.", offset: 0)
        }
        return date
    }
}
