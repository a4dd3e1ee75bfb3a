//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Testing

@Suite("Queue client wire format")
struct QueueWireFormatTests {
    static let account: StorageAccount = {
        // The development account, at the conventional emulator address.
        try! StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=\(TestTableService.developmentKey);"
                + "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1")
    }()

    static let listBody = Array(
        ("<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage>"
            + "<MessageId>id-1</MessageId><InsertionTime>Fri, 04 Dec 2026 10:00:00 GMT</InsertionTime>"
            + "<ExpirationTime>Fri, 11 Dec 2026 10:00:00 GMT</ExpirationTime><PopReceipt>r1</PopReceipt>"
            + "<TimeNextVisible>Fri, 04 Dec 2026 10:00:30 GMT</TimeNextVisible><DequeueCount>3</DequeueCount>"
            + "<MessageText>aMOpbGxv</MessageText></QueueMessage></QueueMessagesList>").utf8)

    /// The encoded query of a request's URL.
    static func query(of request: HTTPClientRequest) -> String? {
        request.url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init)
    }

    @Test("send: POST …/messages with timeouts, base64 text in XML, signed with the queue's SharedKey")
    func sendRequest() async throws {
        let transport = RecordingTransport { _ in HTTPClientResponse(status: 201, body: Self.listBody) }
        let client = QueueClient(
            account: Self.account, queueName: "jobs", messageEncoding: .base64, transport: transport)
        let receipt = try await client.send("héllo", visibilityTimeout: .milliseconds(1500), timeToLive: .never)
        #expect(receipt.messageId == "id-1")
        #expect(receipt.popReceipt == "r1")
        #expect(receipt.timeNextVisible == HTTPDate.date(from: "Fri, 04 Dec 2026 10:00:30 GMT"))

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(
            request.url
                == "http://127.0.0.1:10001/devstoreaccount1/jobs/messages?visibilitytimeout=2&messagettl=-1")
        #expect(request.headers["x-ms-version"] == "2021-12-02")
        #expect(request.headers["Authorization"]?.hasPrefix("SharedKey devstoreaccount1:") == true)
        #expect(request.headers["Content-Type"] == "application/xml")
        let body = String(decoding: request.body, as: UTF8.self)
        #expect(body.hasSuffix("<QueueMessage><MessageText>aMOpbGxv</MessageText></QueueMessage>"))
    }

    @Test("receive and peek decode the list and the encoding; plain text goes as is, escaped")
    func receiveAndPeek() async throws {
        let transport = RecordingTransport { _ in HTTPClientResponse(status: 200, body: Self.listBody) }
        let base64 = QueueClient(
            account: Self.account, queueName: "jobs", messageEncoding: .base64, transport: transport)
        let messages = try await base64.receive(count: 32, visibilityTimeout: .seconds(45))
        #expect(messages.count == 1)
        #expect(messages[0].text == "héllo")
        #expect(messages[0].dequeueCount == 3)
        #expect(messages[0].popReceipt == "r1")
        #expect(Self.query(of: transport.requests[0]) == "numofmessages=32&visibilitytimeout=45")

        let plain = QueueClient(account: Self.account, queueName: "jobs", transport: transport)
        #expect(try await plain.peek(count: 5).first?.text == "aMOpbGxv")
        #expect(Self.query(of: transport.requests[1]) == "peekonly=true&numofmessages=5")
        _ = try? await plain.send("<a & b>")
        let body = String(decoding: transport.requests[2].body, as: UTF8.self)
        #expect(body.contains("<MessageText>&lt;a &amp; b&gt;</MessageText>"))
    }

    @Test("base64 text that does not decode throws QueueMessageDecodingError")
    func undecodableText() async throws {
        let body = String(decoding: Self.listBody, as: UTF8.self).replacing("aMOpbGxv", with: "not base64!")
        let transport = RecordingTransport { _ in HTTPClientResponse(status: 200, body: Array(body.utf8)) }
        let client = QueueClient(
            account: Self.account, queueName: "jobs", messageEncoding: .base64, transport: transport)
        await #expect(throws: QueueMessageDecodingError.self) { _ = try await client.receive() }
    }

    @Test("update: PUT with receipt and visibility; the new receipt comes from the headers")
    func updateRequest() async throws {
        let transport = RecordingTransport { _ in
            HTTPClientResponse(
                status: 204,
                headers: ["x-ms-popreceipt": "r2", "x-ms-time-next-visible": "Fri, 04 Dec 2026 10:01:00 GMT"])
        }
        let client = QueueClient(account: Self.account, queueName: "jobs", transport: transport)
        let receipt = try await client.update(messageId: "id-1", popReceipt: "r/1+=", visibilityTimeout: .zero)
        #expect(receipt.popReceipt == "r2")
        #expect(receipt.timeNextVisible == HTTPDate.date(from: "Fri, 04 Dec 2026 10:01:00 GMT"))
        let request = try #require(transport.requests.first)
        #expect(request.method == "PUT")
        #expect(request.url.hasPrefix("http://127.0.0.1:10001/devstoreaccount1/jobs/messages/id-1?"))
        #expect(Self.query(of: request) == "popreceipt=r%2F1%2B%3D&visibilitytimeout=0")
        #expect(request.body.isEmpty)
        #expect(request.headers["Content-Length"] == "0")

        _ = try await client.update(messageId: "id-1", popReceipt: "r2", visibilityTimeout: .seconds(5), text: "new")
        #expect(String(decoding: transport.requests[1].body, as: UTF8.self).contains("<MessageText>new</MessageText>"))
    }

    @Test("a stale receipt's 404 MessageNotFound and Azurite's 400 PopReceiptMismatch both mean a lost receipt")
    func staleReceipt() async throws {
        for (status, code) in [(404, "MessageNotFound"), (400, "PopReceiptMismatch")] {
            let transport = RecordingTransport { _ in
                HTTPClientResponse(
                    status: status, headers: ["x-ms-error-code": code],
                    body: Array(
                        "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>\(code)</Code><Message>gone</Message></Error>"
                            .utf8))
            }
            let client = QueueClient(account: Self.account, queueName: "jobs", transport: transport)
            let error = await storageError { try await client.delete(messageId: "id-1", popReceipt: "old") }
            #expect(error?.status == status)
            #expect(error?.code.rawValue == code)
            #expect(error?.isLostPopReceipt == true)
        }
    }

    @Test("metadata goes as x-ms-meta-* and comes back with the approximate count")
    func metadata() async throws {
        let transport = RecordingTransport { request in
            if request.method == "GET" {
                return HTTPClientResponse(
                    status: 200, headers: ["x-ms-meta-Owner": "me", "x-ms-approximate-messages-count": "7"])
            }
            return HTTPClientResponse(status: 201)
        }
        let client = QueueClient(account: Self.account, queueName: "jobs", transport: transport)
        #expect(try await client.create(metadata: ["Owner": "me"]))
        #expect(transport.requests[0].headers["x-ms-meta-Owner"] == "me")
        let properties = try await client.properties()
        #expect(properties.metadata == ["Owner": "me"])
        #expect(properties.approximateMessageCount == 7)
        #expect(Self.query(of: transport.requests[1]) == "comp=metadata")
    }
}
