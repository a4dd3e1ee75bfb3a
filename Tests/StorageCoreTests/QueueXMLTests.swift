//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@Suite("Queue XML dialect")
struct QueueXMLTests {
    @Test("reads elements, attributes, entities, CDATA and comments")
    func readsDocument() throws {
        let root = try XMLReader.parse(
            """
            \u{FEFF}<?xml version="1.0" encoding="utf-8"?>
            <!-- leading comment -->
            <Root a="1" b='x &amp; &#x41;'>
              <Child>t&lt;e&gt;x&quot;t&apos;&#65;</Child><?pi ignored?>
              <Child><![CDATA[<raw> & ]]>more</Child>
              <Empty/>
            </Root>
            """)
        #expect(root.name == "Root")
        #expect(root.attribute("a") == "1")
        #expect(root.attribute("b") == "x & A")
        #expect(root.children("Child").map(\.text) == ["t<e>x\"t'A", "<raw> & more"])
        #expect(root.child("Empty")?.text == "")
        #expect(root.child(caseInsensitive: "empty") != nil)
    }

    @Test(
        "rejects malformed documents",
        arguments: [
            "", "text", "<a>", "<a></b>", "<a><b></a></b>", "<a>&unknown;</a>", "<a>& </a>", "<a>x</a><b/>",
            "<a x=1/>", "<a x='1' x='2'/>", "<!DOCTYPE a><a/>", "<a>&#0;</a>", "<a><![CDATA[x</a>", "<a b='<'/>",
            "<a>]]></a>", "<a/>trailing", "<a x='1'y='2'/>",
        ])
    func rejectsMalformed(_ text: String) {
        #expect(throws: XMLReadError.self) { try XMLReader.parse(text) }
    }

    @Test("rejects invalid UTF-8")
    func rejectsInvalidUTF8() {
        #expect(throws: XMLReadError.self) { try XMLReader.parse([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E]) }
    }

    @Test("message text round-trips, including markup, whitespace and non-ASCII")
    func messageTextRoundTrip() throws {
        for text in ["", "hello", "  spaced\n\tout  ", "<xml> & \"quotes\" 'apos'", "日本語 🎉", "]]>"] {
            #expect(try QueueMessageXML.decodeMessageText(QueueMessageXML.encodeMessageText(text)) == text)
        }
    }

    @Test("message text element names match ignoring case; a missing MessageText is rejected")
    func messageTextCase() throws {
        #expect(
            try QueueMessageXML.decodeMessageText(
                Array("<queuemessage><messagetext>a</messagetext></queuemessage>".utf8)) == "a")
        #expect(throws: XMLReadError.self) {
            try QueueMessageXML.decodeMessageText(Array("<QueueMessage></QueueMessage>".utf8))
        }
        #expect(throws: XMLReadError.self) {
            try QueueMessageXML.decodeMessageText(Array("<Other><MessageText>a</MessageText></Other>".utf8))
        }
    }

    @Test("message lists round-trip with optional fields left out")
    func messageListRoundTrip() throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let messages = [
            QueueMessageItem(
                messageID: "id-1", insertionTime: now, expirationTime: now.addingTimeInterval(604_800),
                popReceipt: "receipt==", timeNextVisible: now.addingTimeInterval(30), dequeueCount: 2,
                messageText: "a & b"),
            QueueMessageItem(
                messageID: "id-2", insertionTime: now,
                expirationTime: Date(timeIntervalSince1970: 253_402_300_799), dequeueCount: 0, messageText: ""),
            QueueMessageItem(
                messageID: "id-3", insertionTime: now, expirationTime: now, popReceipt: "r",
                timeNextVisible: now),
        ]
        let encoded = QueueMessageXML.encodeList(messages)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains("<InsertionTime>Tue, 14 Nov 2023 22:13:20 GMT</InsertionTime>"))
        #expect(text.contains("<ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>"))
        #expect(try QueueMessageXML.decodeList(encoded) == messages)
        #expect(try QueueMessageXML.decodeList(QueueMessageXML.encodeList([])) == [])
    }

    @Test("message lists with bad dates or counts are rejected")
    func messageListRejectsBadFields() {
        let badDate =
            "<QueueMessagesList><QueueMessage><MessageId>a</MessageId><InsertionTime>yesterday</InsertionTime>"
            + "<ExpirationTime>Tue, 14 Nov 2023 22:13:20 GMT</ExpirationTime></QueueMessage></QueueMessagesList>"
        #expect(throws: XMLReadError.self) { try QueueMessageXML.decodeList(Array(badDate.utf8)) }
        let badCount =
            "<QueueMessagesList><QueueMessage><MessageId>a</MessageId>"
            + "<InsertionTime>Tue, 14 Nov 2023 22:13:20 GMT</InsertionTime>"
            + "<ExpirationTime>Tue, 14 Nov 2023 22:13:20 GMT</ExpirationTime><DequeueCount>x</DequeueCount>"
            + "</QueueMessage></QueueMessagesList>"
        #expect(throws: XMLReadError.self) { try QueueMessageXML.decodeList(Array(badCount.utf8)) }
    }

    @Test("queue list pages round-trip with metadata and markers")
    func queueListRoundTrip() throws {
        let page = QueueListPage(
            serviceEndpoint: "http://127.0.0.1:10001/devstoreaccount1/", prefix: "jobs", marker: "abc",
            maxResults: 2,
            queues: [
                QueueListItem(name: "jobs-a", metadata: [QueueMetadataEntry(name: "Owner", value: "x<y")]),
                QueueListItem(name: "jobs-b", metadata: []),
            ], nextMarker: "next")
        let encoded = QueueListXML.encode(page)
        #expect(
            String(decoding: encoded, as: UTF8.self).contains(
                #"ServiceEndpoint="http://127.0.0.1:10001/devstoreaccount1/""#))
        #expect(try QueueListXML.decode(encoded) == page)
        let last = QueueListPage(serviceEndpoint: "e", queues: [QueueListItem(name: "q")])
        #expect(try QueueListXML.decode(QueueListXML.encode(last)) == last)
    }

    @Test("error bodies round-trip with extra elements")
    func errorRoundTrip() throws {
        let body = StorageErrorXML.encode(
            code: "RequestBodyTooLarge", message: "Too big.\nRequestId:1",
            details: [QueueMetadataEntry(name: "MaxLimit", value: "65536")])
        let decoded = try StorageErrorXML.decode(body)
        #expect(decoded.code == "RequestBodyTooLarge")
        #expect(decoded.message == "Too big.\nRequestId:1")
        #expect(decoded.details == [QueueMetadataEntry(name: "MaxLimit", value: "65536")])
        let error = StorageError(status: 413, headers: [:], body: body)
        #expect(error.code == .requestBodyTooLarge)
    }
}
