//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Testing

/// The exact requests TableClient puts on the wire, checked against the URLs the Python SDK
/// produced for `Tests/StorageCoreTests/Fixtures/signing-vectors.json`, through a recording
/// transport (no server).
@Suite("TableClient wire format")
struct TableWireFormatTests {
    static let entityJSON =
        #"{"odata.etag":"W/\"datetime'2021-09-21T00%3A49%3A27.1234567Z'\"","PartitionKey":"p","RowKey":"r"}"#
    static let etag = #"W/"datetime'2021-09-21T00%3A49%3A27.1234567Z'""#

    /// Answers every request as the service answers a Get Entity or a query.
    static func recorder() -> RecordingTransport {
        RecordingTransport { request in
            let body = request.url.contains("()") ? Array(#"{"value":[]}"#.utf8) : Array(Self.entityJSON.utf8)
            return HTTPClientResponse(
                status: request.method == "GET" ? 200 : 204,
                headers: ["ETag": Self.etag, "Date": "Tue, 21 Sep 2021 00:49:27 GMT"], body: body)
        }
    }

    @Test(
        "builds entity URLs exactly like the SDK",
        arguments: [
            (
                "my partition", "row key 1", nil,
                "http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='my%20partition',RowKey='row%20key%201')"
            ),
            (
                "O'Brien", "it's ''quoted''", nil,
                "http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='O%27%27Brien',"
                    + "RowKey='it%27%27s%20%27%27%27%27quoted%27%27%27%27')"
            ),
            (
                "café", "日本語-ü €", "Name,Age",
                "http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='caf%C3%A9',"
                    + "RowKey='%E6%97%A5%E6%9C%AC%E8%AA%9E-%C3%BC%20%E2%82%AC')?$select=Name%2CAge"
            ),
        ] as [(String, String, String?, String)])
    func entityURLs(partitionKey: String, rowKey: String, select: String?, expected: String) async throws {
        let transport = Self.recorder()
        let table = TableClient(account: .developmentStorage, tableName: "mytable", transport: transport)
        let read = try await table.entity(
            partitionKey: partitionKey, rowKey: rowKey, select: select?.split(separator: ",").map(String.init))
        #expect(read.etag == Self.etag)
        #expect(read.serverDate == HTTPDate.date(from: "Tue, 21 Sep 2021 00:49:27 GMT"))
        let request = try #require(transport.requests.first)
        #expect(request.url == expected)
        try Self.checkCommonHeaders(request, accountName: "devstoreaccount1")
        #expect(request.headers["Content-Length"] == nil)
    }

    @Test("keeps production endpoints, with or without a path of their own")
    func productionEndpoints() async throws {
        let key = TestTableService.developmentKey
        let derived = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=https;AccountName=acct2;AccountKey=\(key);"
                + "EndpointSuffix=core.windows.net")
        let transport = Self.recorder()
        _ = try await TableClient(account: derived, tableName: "orders", transport: transport)
            .entity(partitionKey: "2021-09", rowKey: "order 42")
        let explicit = try StorageAccount(
            connectionString:
                "AccountName=acct;AccountKey=\(key);TableEndpoint=https://acct.table.core.windows.net/table/")
        _ = try await TableClient(account: explicit, tableName: "orders", transport: transport)
            .entity(partitionKey: "p", rowKey: "r")
        let requests = transport.requests
        #expect(requests.count == 2)
        #expect(
            requests[0].url == "https://acct2.table.core.windows.net/orders(PartitionKey='2021-09',RowKey='order%2042')"
        )
        try Self.checkCommonHeaders(requests[0], accountName: "acct2")
        #expect(requests[1].url == "https://acct.table.core.windows.net/table/orders(PartitionKey='p',RowKey='r')")
        try Self.checkCommonHeaders(requests[1], accountName: "acct")
    }

    @Test("builds query URLs exactly like the SDK, omitting a missing NextRowKey")
    func queryURLs() async throws {
        let transport = Self.recorder()
        let table = TableClient(account: .developmentStorage, tableName: "mytable", transport: transport)
        _ = try await table.query(rawFilter: "PartitionKey eq 'p1' and Age gt 30", pageSize: 5).page()
        _ = try await table.query(filter: .equal("Name", .string("Zoë O'Neil")), pageSize: 2)
            .page(from: TableContinuationToken(nextPartitionKey: "1!8!cDE-", nextRowKey: "1!8!cjE-"))
        _ = try await table.query().page(from: TableContinuationToken(nextPartitionKey: "1!12!bmV4dCBwaw--"))
        _ = try await table.query(select: ["Name"]).page()
        let base = "http://127.0.0.1:10002/devstoreaccount1/mytable()"
        #expect(
            transport.requests.map(\.url) == [
                base + "?$top=5&$filter=PartitionKey%20eq%20%27p1%27%20and%20Age%20gt%2030",
                base + "?$top=2&$filter=Name%20eq%20%27Zo%C3%AB%20O%27%27Neil%27&NextPartitionKey=1%218%21cDE-"
                    + "&NextRowKey=1%218%21cjE-",
                base + "?NextPartitionKey=1%2112%21bmV4dCBwaw--",
                base + "?$select=Name%2CPartitionKey%2CRowKey",
            ])
        for request in transport.requests {
            try Self.checkCommonHeaders(request, accountName: "devstoreaccount1")
        }
    }

    @Test("sends writes with their body, length, Prefer and If-Match, signed as sent")
    func writeRequests() async throws {
        let transport = Self.recorder()
        let table = TableClient(account: .developmentStorage, tableName: "mytable", transport: transport)
        let entity = TableEntity(
            partitionKey: "p1", rowKey: "r1",
            properties: ["Name": .string("n"), "Count": .int64(3), "Ratio": .double(2), "Flag": .boolean(true)])
        _ = try await table.update(entity, ifMatch: .any)
        _ = try await table.upsert(entity, mode: .merge)
        try await table.delete(partitionKey: "p1", rowKey: "r1", ifMatch: .etag(Self.etag))
        try await table.createTable()
        try await table.deleteTable()

        let requests = transport.requests
        #expect(requests.map(\.method) == ["PUT", "PATCH", "DELETE", "POST", "DELETE"])
        let entityURL = "http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='p1',RowKey='r1')"
        #expect(
            requests.map(\.url) == [
                entityURL, entityURL, entityURL, "http://127.0.0.1:10002/devstoreaccount1/Tables",
                "http://127.0.0.1:10002/devstoreaccount1/Tables('mytable')",
            ])
        let body =
            #"{"PartitionKey":"p1","RowKey":"r1","Name":"n","Count@odata.type":"Edm.Int64","Count":"3","#
            + #""Ratio@odata.type":"Edm.Double","Ratio":2.0,"Flag":true}"#
        #expect(String(decoding: requests[0].body, as: UTF8.self) == body)
        #expect(requests[0].headers["If-Match"] == "*")
        #expect(requests[0].headers["Content-Type"] == "application/json")
        #expect(requests[0].headers["Content-Length"] == String(requests[0].body.count))
        #expect(requests[1].headers["If-Match"] == nil)
        #expect(requests[2].headers["If-Match"] == Self.etag)
        #expect(requests[2].headers["Content-Length"] == "0")
        #expect(requests[2].body.isEmpty)
        #expect(String(decoding: requests[3].body, as: UTF8.self) == #"{"TableName":"mytable"}"#)
        #expect(requests[3].headers["Prefer"] == "return-no-content")
        for request in requests {
            try Self.checkCommonHeaders(request, accountName: "devstoreaccount1")
        }
    }

    @Test("appends a SAS to the URL and sends no Authorization")
    func sharedAccessSignatureURL() async throws {
        let account = try StorageAccount(
            connectionString: "AccountName=acct;SharedAccessSignature=?sv=2019-02-02&tn=t&sp=r&sig=abc%2Bd;"
                + "TableEndpoint=https://acct.table.core.windows.net")
        let transport = Self.recorder()
        let table = TableClient(account: account, tableName: "t", transport: transport)
        _ = try await table.entity(partitionKey: "p", rowKey: "r")
        _ = try await table.query(rawFilter: "RowKey eq 'r'").page()
        let requests = transport.requests
        #expect(
            requests.map(\.url) == [
                "https://acct.table.core.windows.net/t(PartitionKey='p',RowKey='r')?sv=2019-02-02&tn=t&sp=r&sig=abc%2Bd",
                "https://acct.table.core.windows.net/t()?$filter=RowKey%20eq%20%27r%27&sv=2019-02-02&tn=t&sp=r&sig=abc%2Bd",
            ])
        #expect(requests.allSatisfy { $0.headers["Authorization"] == nil })
    }

    @Test("lays out a transaction exactly as the SDK does and reads its results")
    func transactionLayout() async throws {
        let changesetResponse =
            "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nContent-ID: 0\r\nETag: \(Self.etag)\r\n\r\n\r\n"
            + "--changesetresponse_1\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            + "HTTP/1.1 204 No Content\r\nContent-ID: 1\r\n\r\n\r\n--changesetresponse_1--\r\n"
        let response =
            "--batchresponse_1\r\nContent-Type: multipart/mixed; boundary=changesetresponse_1\r\n\r\n"
            + changesetResponse + "--batchresponse_1--\r\n"
        let transport = RecordingTransport { _ in
            HTTPClientResponse(
                status: 202, headers: ["Content-Type": "multipart/mixed; boundary=batchresponse_1"],
                body: Array(response.utf8))
        }
        let table = TableClient(account: .developmentStorage, tableName: "tbl", transport: transport)
        let results = try await table.submitTransaction([
            .insert(TableEntity(partitionKey: "001", rowKey: "x", properties: ["A": .int32(1)])),
            .delete(partitionKey: "001", rowKey: "it's", ifMatch: .any),
        ])
        #expect(results.map(\.etag) == [Self.etag, ""])
        #expect(results[0].timestamp == TableETag.timestamp(from: Self.etag))

        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:10002/devstoreaccount1/$batch")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.headers["MaxDataServiceVersion"] == "3.0;NetFx")
        try Self.checkCommonHeaders(request, accountName: "devstoreaccount1")
        let contentType = try #require(request.headers["Content-Type"])
        #expect(contentType.hasPrefix("multipart/mixed; boundary=batch_"))
        let batch = String(contentType.dropFirst("multipart/mixed; boundary=".count))
        let text = String(decoding: request.body, as: UTF8.self)
        let changesetLine = try #require(text.split(separator: "\r\n").dropFirst().first)
        let changeset = String(changesetLine.dropFirst("Content-Type: multipart/mixed; boundary=".count))
        #expect(changeset.hasPrefix("changeset_"))
        let date = try #require(request.headers["x-ms-date"])
        let insertBody = #"{"PartitionKey":"001","RowKey":"x","A":1}"#
        let expected =
            "--\(batch)\r\nContent-Type: multipart/mixed; boundary=\(changeset)\r\n\r\n"
            + "--\(changeset)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
            + "Content-ID: 0\r\n\r\n"
            + "POST http://127.0.0.1:10002/devstoreaccount1/tbl HTTP/1.1\r\nx-ms-version: 2019-02-02\r\n"
            + "DataServiceVersion: 3.0\r\nPrefer: return-no-content\r\nContent-Type: application/json\r\n"
            + "Accept: application/json;odata=minimalmetadata\r\nContent-Length: \(insertBody.utf8.count)\r\n"
            + "x-ms-date: \(date)\r\nDate: \(date)\r\n\r\n\(insertBody)\r\n"
            + "--\(changeset)\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
            + "Content-ID: 1\r\n\r\n"
            + "DELETE http://127.0.0.1:10002/devstoreaccount1/tbl(PartitionKey='001',RowKey='it%27%27s') HTTP/1.1\r\n"
            + "x-ms-version: 2019-02-02\r\nDataServiceVersion: 3.0\r\nIf-Match: *\r\n"
            + "Accept: application/json;odata=minimalmetadata\r\nx-ms-date: \(date)\r\nDate: \(date)\r\n\r\n\r\n"
            + "--\(changeset)--\r\n\r\n--\(batch)--\r\n"
        #expect(text == expected)
    }

    @Test("reads a failed transaction's index from the N: message prefix")
    func transactionFailureParsing() async throws {
        let error =
            #"{"odata.error":{"code":"UpdateConditionNotSatisfied","message":{"lang":"en-US","#
            + #""value":"2:The update condition specified in the request was not satisfied."}}}"#
        let response =
            "--batchresponse_9\nContent-Type: multipart/mixed; boundary=changesetresponse_9\n\n"
            + "--changesetresponse_9\nContent-Type: application/http\nContent-Transfer-Encoding: binary\n\n"
            + "HTTP/1.1 412 Precondition Failed\nContent-ID: 2\n"
            + "Content-Type: application/json;odata=minimalmetadata;streaming=true;charset=utf-8\n\n"
            + error + "\n--changesetresponse_9--\n--batchresponse_9--\n"
        let transport = RecordingTransport { _ in
            HTTPClientResponse(
                status: 202,
                headers: ["Content-Type": "multipart/mixed; boundary=batchresponse_9", "x-ms-request-id": "req-1"],
                body: Array(response.utf8))
        }
        let table = TableClient(account: .developmentStorage, tableName: "tbl", transport: transport)
        do {
            _ = try await table.submitTransaction([
                .upsert(TableEntity(partitionKey: "p", rowKey: "a")),
                .upsert(TableEntity(partitionKey: "p", rowKey: "b")),
                .update(TableEntity(partitionKey: "p", rowKey: "c"), ifMatch: .etag(Self.etag)),
            ])
            Issue.record("the transaction should have failed")
        } catch let failure as TableTransactionError {
            #expect(failure.index == 2)
            #expect(failure.error.status == 412)
            #expect(failure.error.code == .updateConditionNotSatisfied)
            #expect(failure.error.message == "The update condition specified in the request was not satisfied.")
            #expect(failure.error.requestID == "req-1")
        }
    }

    /// The headers every request carries, and a shared-key signature that verifies over the
    /// exact method, headers and encoded path and query of the URL sent.
    static func checkCommonHeaders(_ request: HTTPClientRequest, accountName: String) throws {
        #expect(request.headers["x-ms-version"] == "2019-02-02")
        #expect(request.headers["DataServiceVersion"] == "3.0")
        #expect(request.headers["MaxDataServiceVersion"] == "3.0;NetFx")
        #expect(request.headers["Accept"]?.hasPrefix("application/json") == true)
        let requestID = try #require(request.headers["x-ms-client-request-id"])
        #expect(UUID(uuidString: requestID) != nil)
        let date = try #require(request.headers["x-ms-date"].flatMap(HTTPDate.date(from:)))
        #expect(abs(date.timeIntervalSinceNow) < 60)
        if !request.body.isEmpty {
            #expect(request.headers["Content-Length"] == String(request.body.count))
        }
        let authorization = try #require(request.headers["Authorization"].flatMap(SharedKeyAuthorization.init))
        #expect(authorization.scheme == .sharedKey)
        #expect(authorization.accountName == accountName)
        let afterScheme = try #require(request.url.range(of: "://"))
        let target = String(request.url[afterScheme.upperBound...].drop { $0 != "/" })
        let signable = try SignableRequest(method: request.method, target: target, headers: request.headers)
        let key = try StorageAccountKey(base64: TestTableService.developmentKey)
        #expect(SharedKeySigner(service: .table).isValid(authorization, for: signable, key: key))
        let stringToSign = SharedKeySigner(service: .table).stringToSign(for: signable, accountName: accountName)
        let path = target.split(separator: "?", maxSplits: 1)[0]
        #expect(stringToSign.hasSuffix("\n" + request.headers["x-ms-date"]! + "\n/" + accountName + path))
    }
}
