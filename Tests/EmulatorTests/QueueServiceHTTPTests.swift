//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

// The Queue service at the HTTP level, signed through libcurl to an in-process emulator:
// status codes and XML bodies of every operation, visibility and redelivery, stale receipts,
// limits, malformed XML and authentication failures.

/// Checks an XML error response: status, the code in the header and in the body, and XML.
func expectQueueError(
    _ response: QueueTestResponse, status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "status, body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers["x-ms-error-code"] == code, "x-ms-error-code", sourceLocation: sourceLocation)
    #expect(response.bodyErrorCode == code, "<Code>, body: \(response.text)", sourceLocation: sourceLocation)
    #expect(response.headers["Content-Type"] == "application/xml", sourceLocation: sourceLocation)
}

@Suite("Queue service over HTTP", .serialized)
struct QueueServiceHTTPTests {
    @Test("create is 201, 204 with the same metadata in any case, 409 with other metadata")
    func createQueue() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        #expect(try await client.send("PUT", "/jobs", headers: ["x-ms-meta-Owner": "ann"]).status == 201)
        #expect(try await client.send("PUT", "/jobs", headers: ["x-ms-meta-owner": "ann"]).status == 204)
        expectQueueError(
            try await client.send("PUT", "/jobs", headers: ["x-ms-meta-owner": "bob"]), status: 409,
            code: "QueueAlreadyExists")
        expectQueueError(try await client.send("PUT", "/jobs"), status: 409, code: "QueueAlreadyExists")
        let metadata = try await client.send("HEAD", "/jobs?comp=metadata")
        #expect(metadata.status == 200)
        #expect(metadata.headers["x-ms-meta-Owner"] == "ann")
        #expect(metadata.headers["x-ms-approximate-messages-count"] == "0")
        #expect(try await client.send("PUT", "/jobs?comp=metadata", headers: ["x-ms-meta-a": "1"]).status == 204)
        let replaced = try await client.send("GET", "/jobs?comp=metadata")
        #expect(replaced.headers["x-ms-meta-a"] == "1")
        #expect(replaced.headers["x-ms-meta-Owner"] == nil)
        expectQueueError(
            try await client.send("PUT", "/other", headers: ["x-ms-meta-1bad": "x"]), status: 400,
            code: "InvalidMetadata")
        #expect(try await client.send("DELETE", "/jobs").status == 204)
        expectQueueError(try await client.send("DELETE", "/jobs"), status: 404, code: "QueueNotFound")
        expectQueueError(try await client.send("GET", "/jobs?comp=metadata"), status: 404, code: "QueueNotFound")
    }

    @Test(
        "queue names are checked",
        arguments: [
            ("ab", "OutOfRangeInput"), (String(repeating: "a", count: 64), "OutOfRangeInput"),
            ("Jobs", "InvalidResourceName"), ("a--b", "InvalidResourceName"), ("-ab", "InvalidResourceName"),
            ("ab-", "InvalidResourceName"), ("a_b", "InvalidResourceName"),
        ])
    func queueNames(_ name: String, _ code: String) async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        expectQueueError(try await client.send("PUT", "/\(name)"), status: 400, code: code)
    }

    @Test("list queues: sorted, prefix, paging with an opaque marker, metadata on request, cap of 5000")
    func listQueues() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        for name in ["q-c", "q-a", "q-b", "other"] {
            _ = try await client.send("PUT", "/\(name)", headers: ["x-ms-meta-n": name])
        }
        let first = try await client.send("GET", "/?comp=list&prefix=q-&maxresults=2&include=metadata")
        #expect(first.status == 200)
        #expect(first.headers["Content-Type"] == "application/xml")
        let page = try QueueListXML.decode(first.body)
        #expect(page.queues.map(\.name) == ["q-a", "q-b"])
        #expect(page.queues.first?.metadata == [QueueMetadataEntry(name: "n", value: "q-a")])
        #expect(page.serviceEndpoint.hasSuffix("/devstoreaccount1/"))
        let marker = try #require(page.nextMarker)
        let second = try QueueListXML.decode(
            try await client.send(
                "GET", "/?comp=list&prefix=q-&maxresults=2&marker=\(SignedQueueClient.queryValue(marker))"
            ).body)
        #expect(second.queues.map(\.name) == ["q-c"])
        #expect(second.queues.first?.metadata == nil)
        #expect(second.nextMarker == nil)
        let all = try QueueListXML.decode(try await client.send("GET", "/?comp=list&maxresults=100000").body)
        #expect(all.queues.map(\.name) == ["other", "q-a", "q-b", "q-c"])
        expectQueueError(
            try await client.send("GET", "/?comp=list&maxresults=0"), status: 400,
            code: "OutOfRangeQueryParameterValue")
        expectQueueError(try await client.send("GET", "/?comp=list&marker=garbage"), status: 400, code: "InvalidMarker")
    }

    @Test("put, get, peek, update and delete with receipts; stale receipts are 404 MessageNotFound")
    func messageLifecycle() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("work")
        let put = try await client.put("work", "hello & <world>")
        #expect(put.popReceipt != nil)
        #expect(put.messageText == nil)
        let peeked = try await client.send("GET", "/work/messages?peekonly=true")
        let peek = try #require(try peeked.messages().first)
        #expect(peek.popReceipt == nil && peek.timeNextVisible == nil)
        #expect(peek.dequeueCount == 0 && peek.messageText == "hello & <world>")

        let received = try #require(try await client.get("work", query: "?visibilitytimeout=60").first)
        #expect(received.dequeueCount == 1)
        #expect(received.popReceipt != put.popReceipt)
        #expect(try await client.get("work").isEmpty, "hidden while leased")
        let receipt = SignedQueueClient.queryValue(try #require(received.popReceipt))

        let updated = try await client.send(
            "PUT", "/work/messages/\(received.messageID)?popreceipt=\(receipt)&visibilitytimeout=0",
            body: QueueMessageXML.encodeMessageText("changed"))
        #expect(updated.status == 204)
        let newReceipt = try #require(updated.headers["x-ms-popreceipt"])
        #expect(newReceipt != received.popReceipt)
        #expect(updated.headers["x-ms-time-next-visible"].flatMap(HTTPDate.date(from:)) != nil)

        expectQueueError(
            try await client.send("DELETE", "/work/messages/\(received.messageID)?popreceipt=\(receipt)"),
            status: 404, code: "MessageNotFound")
        expectQueueError(
            try await client.send(
                "PUT", "/work/messages/\(received.messageID)?popreceipt=\(receipt)&visibilitytimeout=5"),
            status: 404, code: "MessageNotFound")

        let again = try #require(try await client.get("work").first)
        #expect(again.messageText == "changed" && again.dequeueCount == 2)
        let deleted = try await client.send(
            "DELETE",
            "/work/messages/\(again.messageID)?popreceipt=\(SignedQueueClient.queryValue(again.popReceipt ?? ""))")
        #expect(deleted.status == 204)
        #expect(try await client.get("work").isEmpty)
        expectQueueError(
            try await client.send("DELETE", "/work/messages/\(again.messageID)"), status: 400,
            code: "MissingRequiredQueryParameter")
    }

    @Test("a lapsed lease is redelivered and the first holder's receipt stops working")
    func visibilityExpiry() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("work")
        _ = try await client.put("work", "m")
        let first = try #require(try await client.get("work", query: "?visibilitytimeout=1").first)
        try await Task.sleep(for: .milliseconds(1_300))
        let second = try #require(try await client.get("work", query: "?visibilitytimeout=30").first)
        #expect(second.messageID == first.messageID && second.dequeueCount == 2)
        let stale = SignedQueueClient.queryValue(try #require(first.popReceipt))
        expectQueueError(
            try await client.send("PUT", "/work/messages/\(first.messageID)?popreceipt=\(stale)&visibilitytimeout=9"),
            status: 404, code: "MessageNotFound")
    }

    @Test("TTL: expired messages vanish; -1 never expires; ttl must exceed the visibility timeout")
    func timeToLive() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("ttl")
        let short = try await client.put("ttl", "short", query: "?messagettl=1")
        let forever = try await client.put("ttl", "forever", query: "?messagettl=-1")
        #expect(forever.expirationTime == Date(timeIntervalSince1970: 253_402_300_799))
        try await Task.sleep(for: .milliseconds(1_300))
        let peeked = try await client.send("GET", "/ttl/messages?peekonly=true&numofmessages=32").messages()
        #expect(peeked.map(\.messageText) == ["forever"])
        let receipt = SignedQueueClient.queryValue(try #require(short.popReceipt))
        expectQueueError(
            try await client.send("DELETE", "/ttl/messages/\(short.messageID)?popreceipt=\(receipt)"), status: 404,
            code: "MessageNotFound")
        for query in ["?messagettl=0", "?messagettl=-2", "?messagettl=x", "?messagettl=10&visibilitytimeout=10"] {
            expectQueueError(
                try await client.send("POST", "/ttl/messages\(query)", body: QueueMessageXML.encodeMessageText("x")),
                status: 400, code: "InvalidQueryParameterValue")
        }
    }

    @Test("limits: 64 KiB of UTF-8, numofmessages 1–32, visibilitytimeout ranges")
    func limits() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("limits")
        _ = try await client.put("limits", String(repeating: "a", count: 65_536))
        let tooLarge = try await client.send(
            "POST", "/limits/messages", body: QueueMessageXML.encodeMessageText(String(repeating: "é", count: 32_769)))
        expectQueueError(tooLarge, status: 413, code: "RequestBodyTooLarge")
        #expect(tooLarge.errorDetails == [QueueMetadataEntry(name: "MaxLimit", value: "65536")])
        for query in [
            "?numofmessages=0", "?numofmessages=33", "?visibilitytimeout=0", "?visibilitytimeout=604801",
        ] {
            let response = try await client.send("GET", "/limits/messages\(query)")
            expectQueueError(response, status: 400, code: "OutOfRangeQueryParameterValue")
            #expect(response.errorDetails.first?.name == "QueryParameterName")
        }
        expectQueueError(
            try await client.send(
                "POST", "/limits/messages?visibilitytimeout=604801", body: QueueMessageXML.encodeMessageText("x")),
            status: 400, code: "OutOfRangeQueryParameterValue")
        for _ in 0..<40 { _ = try await client.put("limits", "m") }
        #expect(try await client.get("limits", query: "?numofmessages=32").count == 32)
    }

    @Test("update checks its parameters and the text size, and keeps the text without a body")
    func updateParameters() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("upd")
        let put = try await client.put("upd", "keep")
        let id = put.messageID
        let receipt = SignedQueueClient.queryValue(try #require(put.popReceipt))
        expectQueueError(
            try await client.send("PUT", "/upd/messages/\(id)?popreceipt=\(receipt)"), status: 400,
            code: "MissingRequiredQueryParameter")
        expectQueueError(
            try await client.send("PUT", "/upd/messages/\(id)?popreceipt=\(receipt)&visibilitytimeout=604801"),
            status: 400, code: "OutOfRangeQueryParameterValue")
        let tooLarge = try await client.send(
            "PUT", "/upd/messages/\(id)?popreceipt=\(receipt)&visibilitytimeout=0",
            body: QueueMessageXML.encodeMessageText(String(repeating: "x", count: 65_537)))
        expectQueueError(tooLarge, status: 413, code: "RequestBodyTooLarge")
        let kept = try await client.send("PUT", "/upd/messages/\(id)?popreceipt=\(receipt)&visibilitytimeout=0")
        #expect(kept.status == 204)
        #expect(try await client.get("upd").first?.messageText == "keep")
        expectQueueError(
            try await client.send("PUT", "/none/messages/\(id)?popreceipt=\(receipt)&visibilitytimeout=0"),
            status: 404, code: "QueueNotFound")
    }

    @Test("malformed or incomplete XML bodies are 400 InvalidXmlDocument")
    func malformedXML() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("xml")
        for body in [
            "<QueueMessage><MessageText>x</QueueMessage>", "<QueueMessage></QueueMessage>", "not xml", "",
            "<QueueMessage><MessageText>&bogus;</MessageText></QueueMessage>",
        ] {
            expectQueueError(
                try await client.send("POST", "/xml/messages", body: Array(body.utf8)), status: 400,
                code: "InvalidXmlDocument")
        }
        expectQueueError(
            try await client.send("PUT", "/xml?comp=acl", body: Array("<SignedIdentifiers><Oops".utf8)), status: 400,
            code: "InvalidXmlDocument")
    }

    @Test("clear empties the queue; the count follows")
    func clearMessages() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("clear")
        for index in 0..<3 { _ = try await client.put("clear", "m\(index)") }
        #expect(try await client.send("GET", "/clear?comp=metadata").headers["x-ms-approximate-messages-count"] == "3")
        #expect(try await client.send("DELETE", "/clear/messages").status == 204)
        #expect(try await client.send("GET", "/clear?comp=metadata").headers["x-ms-approximate-messages-count"] == "0")
        expectQueueError(try await client.send("DELETE", "/none/messages"), status: 404, code: "QueueNotFound")
        expectQueueError(
            try await client.send("POST", "/none/messages", body: QueueMessageXML.encodeMessageText("x")),
            status: 404, code: "QueueNotFound")
    }

    @Test("authentication: SharedKeyLite works; wrong key, no auth, stale date and another account are 403")
    func authentication() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        #expect(try await client.send("PUT", "/auth", scheme: .sharedKeyLite).status == 201)
        #expect(try await client.send("GET", "/auth?comp=metadata", scheme: .sharedKeyLite).status == 200)
        let wrongKey = TestAuthorization.sharedKey(
            account: SignedTableClient.accountName, key: StorageAccountKey(bytes: Array(repeating: 7, count: 64)))
        expectQueueError(
            try await client.send("GET", "/auth?comp=metadata", authorization: wrongKey), status: 403,
            code: "AuthenticationFailed")
        expectQueueError(
            try await client.send("GET", "/auth?comp=metadata", authorization: .none), status: 403,
            code: "AuthenticationFailed")
        expectQueueError(
            try await client.send("GET", "/auth?comp=metadata", date: .offset(seconds: -3600)), status: 403,
            code: "AuthenticationFailed")
        expectQueueError(
            try await client.send(
                "GET", "/auth?comp=metadata", account: SignedTableClient.secondAccount.name,
                authorization: .development),
            status: 403, code: "AuthenticationFailed")
        expectQueueError(
            try await client.send("GET", "/auth?comp=metadata", account: "nosuchaccount"), status: 404,
            code: "ResourceNotFound")
    }

    @Test("queue SAS and account SAS grant what they say, and the ACL's stored policies apply")
    func sharedAccessSignatures() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("sas")
        let key = SignedTableClient.developmentKey
        let account = SignedTableClient.accountName
        let expiry = PreciseTimestamp(Date().addingTimeInterval(3600))
        let addOnly = QueueSASValues(queueName: "sas", permissions: .add, expiry: expiry)
            .queryString(accountName: account, key: key)
        let put = try await client.send(
            "POST", "/sas/messages?\(addOnly)", body: QueueMessageXML.encodeMessageText("x"), authorization: .none)
        #expect(put.status == 201)
        expectQueueError(
            try await client.send("GET", "/sas/messages?\(addOnly)", authorization: .none), status: 403,
            code: "AuthorizationPermissionMismatch")
        let otherQueue = QueueSASValues(queueName: "other", permissions: .all, expiry: expiry)
            .queryString(accountName: account, key: key)
        expectQueueError(
            try await client.send("GET", "/sas/messages?\(otherQueue)", authorization: .none), status: 403,
            code: "AuthenticationFailed")

        let acl =
            "<SignedIdentifiers><SignedIdentifier><Id>readers</Id><AccessPolicy>"
            + "<Expiry>2099-01-01T00:00:00Z</Expiry><Permission>rp</Permission></AccessPolicy></SignedIdentifier>"
            + "</SignedIdentifiers>"
        #expect(try await client.send("PUT", "/sas?comp=acl", body: Array(acl.utf8)).status == 204)
        let stored = try await client.send("GET", "/sas?comp=acl")
        #expect(stored.text.contains("<Id>readers</Id>") && stored.text.contains("<Permission>rp</Permission>"))
        let policy = QueueSASValues(queueName: "sas", identifier: "readers").queryString(accountName: account, key: key)
        #expect(try await client.send("GET", "/sas/messages?\(policy)", authorization: .none).status == 200)
        let badACL = acl.replacingOccurrences(of: "<Permission>rp</Permission>", with: "<Permission>rwd</Permission>")
        expectQueueError(
            try await client.send("PUT", "/sas?comp=acl", body: Array(badACL.utf8)), status: 400,
            code: "InvalidXmlDocument")

        let accountSAS = AccountSASValues(
            services: .queue, resourceTypes: [.service, .container, .object], permissions: [.list, .read],
            expiry: expiry
        ).sharedAccessSignature(accountName: account, key: key).queryString
        #expect(try await client.send("GET", "/?comp=list&\(accountSAS)", authorization: .none).status == 200)
        expectQueueError(
            try await client.send("PUT", "/newqueue?\(accountSAS)", authorization: .none), status: 403,
            code: "AuthorizationPermissionMismatch")
    }

    @Test("service properties round-trip; stats answer")
    func serviceProperties() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        let initial = try await client.send("GET", "/?restype=service&comp=properties")
        #expect(initial.status == 200 && initial.text.contains("<StorageServiceProperties>"))
        let update =
            "<StorageServiceProperties><Cors><CorsRule><AllowedOrigins>*</AllowedOrigins>"
            + "<AllowedMethods>GET</AllowedMethods><MaxAgeInSeconds>5</MaxAgeInSeconds>"
            + "<ExposedHeaders></ExposedHeaders><AllowedHeaders></AllowedHeaders></CorsRule></Cors>"
            + "</StorageServiceProperties>"
        #expect(
            try await client.send("PUT", "/?restype=service&comp=properties", body: Array(update.utf8)).status == 202)
        #expect(try await client.send("GET", "/?restype=service&comp=properties").text.contains("<AllowedOrigins>*"))
        #expect(try await client.send("GET", "/?restype=service&comp=stats").status == 200)
    }

    @Test("acknowledged puts survive a restart on the same location")
    func durableAcrossRestart() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = URL(fileURLWithPath: directory.path("data"))
        let first = try SignedQueueClient(location: location)
        try await first.createQueue("durable")
        for index in 0..<5 { _ = try await first.put("durable", "m\(index)") }
        first.shutdown()
        let second = try SignedQueueClient(location: location)
        defer { second.shutdown() }
        let messages = try await second.get("durable", query: "?numofmessages=32")
        #expect(Set(messages.compactMap(\.messageText)) == Set((0..<5).map { "m\($0)" }))
    }
}
