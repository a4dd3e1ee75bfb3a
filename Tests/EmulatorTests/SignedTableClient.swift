//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore

/// How a test request proves who sent it.
enum TestAuthorization: Sendable {
    /// A `SharedKey` signature by `account` with `key`.
    case sharedKey(account: String, key: StorageAccountKey)
    /// No `Authorization` header at all.
    case none
    /// This exact `Authorization` value, unsigned.
    case raw(String)

    /// The development account signing with its published key.
    static let development = TestAuthorization.sharedKey(
        account: SignedTableClient.accountName, key: SignedTableClient.developmentKey)
}

/// Which `x-ms-date` a test request carries.
enum TestDate: Sendable {
    /// The current time.
    case now
    /// The current time moved by this many seconds (negative for the past).
    case offset(seconds: TimeInterval)
    /// No `x-ms-date` (and no `Date`).
    case omitted
}

/// A response as a test inspects it.
struct TableTestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The body as UTF-8 text.
    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as a JSON object, or `nil` when it is not one.
    func jsonObject() -> [String: Any]? {
        guard !self.body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(self.body))) as? [String: Any]
    }

    /// `odata.error.code` from the JSON body.
    var bodyErrorCode: String? {
        (self.jsonObject()?["odata.error"] as? [String: Any])?["code"] as? String
    }

    /// `odata.error.message.value` from the JSON body.
    var bodyErrorMessage: String? {
        ((self.jsonObject()?["odata.error"] as? [String: Any])?["message"] as? [String: Any])?["value"] as? String
    }

    /// The `value` array of a query response.
    var values: [[String: Any]]? {
        self.jsonObject()?["value"] as? [[String: Any]]
    }
}

/// A signing HTTP client for one in-process emulator, started on port 0 with an in-memory store.
///
/// Every request is signed with `SharedKey` for `devstoreaccount1` (unless a test asks for
/// something else) and carries `x-ms-date`, `x-ms-version: 2019-02-02`, `DataServiceVersion: 3.0`
/// and `Accept: application/json;odata=minimalmetadata`, as the SDKs send them; a request with a
/// body also gets `Content-Type: application/json`. Tests replace or drop any of these.
final class SignedTableClient: Sendable {
    /// The development account, which every emulator serves.
    static let accountName = "devstoreaccount1"

    /// The development account's published key.
    static let developmentKey: StorageAccountKey = {
        guard case .sharedKey(let key) = StorageAccount.developmentStorage.credential else {
            preconditionFailure("The development account is defined with a shared key.")
        }
        return key
    }()

    /// A second account the emulator serves, with a key of its own.
    static let secondAccount = EmulatorAccount(
        name: "batonsecond",
        keys: [StorageAccountKey(bytes: (0..<64).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })])

    /// The default `x-ms-version`.
    static let version = "2019-02-02"

    /// The default `Accept`.
    static let minimalMetadata = "application/json;odata=minimalmetadata"

    let emulator: StorageEmulator
    let transport: CurlTransport
    /// `http://127.0.0.1:<port>`, without the account.
    let origin: String
    /// The bound port.
    let port: Int

    /// Starts an emulator serving the development account and ``secondAccount``.
    init() throws {
        var configuration = StorageEmulator.Configuration()
        configuration.jobsPort = nil
        configuration.tablePort = 0
        configuration.queuePort = nil
        configuration.inMemory = true
        configuration.threadCount = 2
        configuration.accounts = [Self.secondAccount]
        configuration.logLevel = .error
        let emulator = try StorageEmulator(configuration: configuration)
        guard let endpoint = emulator.endpoints.first(where: { $0.service == "Table" }) else {
            emulator.shutdown()
            throw ClientFailure(description: "the emulator started no Table service")
        }
        self.emulator = emulator
        self.port = endpoint.port
        self.origin = "http://127.0.0.1:\(endpoint.port)"
        self.transport = CurlTransport(configuration: CurlTransport.Configuration(requestTimeout: .seconds(60)))
    }

    /// Stops the transport and the emulator.
    func shutdown() {
        self.transport.shutdown()
        self.emulator.shutdown()
    }

    /// A failure of the client itself.
    struct ClientFailure: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Sending

    /// Sends one request to `/<account><path>`.
    ///
    /// - Parameters:
    ///   - method: The HTTP method as sent.
    ///   - path: The percent-encoded path and query after the account, such as `/people()?$top=1`.
    ///   - account: The account in the URL.
    ///   - headers: Headers that replace the defaults of the same name; a name given twice is
    ///     sent twice.
    ///   - removing: Default headers not to send at all.
    ///   - body: The body.
    ///   - authorization: How to sign.
    ///   - date: Which `x-ms-date` to send.
    func send(
        _ method: String, _ path: String, account: String = SignedTableClient.accountName,
        headers: HTTPHeaders = [:], removing: Set<String> = [], body: [UInt8] = [],
        authorization: TestAuthorization = .development, date: TestDate = .now
    ) async throws -> TableTestResponse {
        let target = "/" + account + path
        var finalHeaders = HTTPHeaders()
        switch date {
        case .now:
            finalHeaders.add(name: "x-ms-date", value: HTTPDate.string(from: Date()))
        case .offset(let seconds):
            finalHeaders.add(name: "x-ms-date", value: HTTPDate.string(from: Date().addingTimeInterval(seconds)))
        case .omitted:
            break
        }
        finalHeaders.add(name: "x-ms-version", value: Self.version)
        finalHeaders.add(name: "DataServiceVersion", value: "3.0")
        finalHeaders.add(name: "Accept", value: Self.minimalMetadata)
        if !body.isEmpty {
            finalHeaders.add(name: "Content-Type", value: "application/json")
        }
        for name in removing {
            finalHeaders.remove(name: name)
        }
        for field in headers {
            finalHeaders.remove(name: field.name)
        }
        for field in headers {
            finalHeaders.add(name: field.name, value: field.value)
        }
        switch authorization {
        case .sharedKey(let accountName, let key):
            let signable = try SignableRequest(method: method, target: target, headers: finalHeaders)
            let value = SharedKeySigner(service: .table).authorization(
                for: signable, accountName: accountName, key: key)
            finalHeaders.add(name: "Authorization", value: value.headerValue)
        case .none:
            break
        case .raw(let value):
            finalHeaders.add(name: "Authorization", value: value)
        }
        let response = try await self.transport.execute(
            HTTPClientRequest(method: method, url: self.origin + target, headers: finalHeaders, body: body))
        return TableTestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Sends a request with a UTF-8 text body.
    func send(
        _ method: String, _ path: String, account: String = SignedTableClient.accountName,
        headers: HTTPHeaders = [:], removing: Set<String> = [], text: String,
        authorization: TestAuthorization = .development, date: TestDate = .now
    ) async throws -> TableTestResponse {
        try await self.send(
            method, path, account: account, headers: headers, removing: removing, body: Array(text.utf8),
            authorization: authorization, date: date)
    }

    // MARK: Fixtures

    /// `/<table>(PartitionKey='…',RowKey='…')` with quotes doubled and the keys percent-encoded.
    static func entityPath(_ table: String, _ partitionKey: String, _ rowKey: String) -> String {
        "/\(table)(PartitionKey='\(Self.keyLiteral(partitionKey))',RowKey='\(Self.keyLiteral(rowKey))')"
    }

    /// A key inside an OData string literal in a URL: `'` doubled, then percent-encoded.
    static func keyLiteral(_ key: String) -> String {
        PercentEncoding.encode(key.replacingOccurrences(of: "'", with: "''"))
    }

    /// A query parameter value, percent-encoded except for characters filters use freely.
    static func queryValue(_ value: String) -> String {
        PercentEncoding.encode(value, allowing: "'(),")
    }

    /// Creates a table, requiring 201.
    func createTable(_ name: String) async throws {
        let response = try await self.send("POST", "/Tables", text: #"{"TableName":"\#(name)"}"#)
        guard response.status == 201 else {
            throw ClientFailure(description: "creating table \(name) answered \(response.status): \(response.text)")
        }
    }

    /// Inserts an entity given as JSON text, requiring 201.
    func insert(_ table: String, _ json: String) async throws {
        let response = try await self.send("POST", "/\(table)", text: json)
        guard response.status == 201 else {
            throw ClientFailure(description: "inserting into \(table) answered \(response.status): \(response.text)")
        }
    }

    /// Reads one entity.
    func getEntity(_ table: String, _ partitionKey: String, _ rowKey: String) async throws -> TableTestResponse {
        try await self.send("GET", Self.entityPath(table, partitionKey, rowKey))
    }

    /// The whole content of a table as the service lists it (keys, properties, timestamps,
    /// ETags), requiring 200 and no continuation: two equal snapshots mean nothing changed.
    func snapshot(_ table: String) async throws -> String {
        let response = try await self.send("GET", "/\(table)()")
        guard response.status == 200, !response.headers.contains("x-ms-continuation-NextPartitionKey") else {
            throw ClientFailure(description: "listing \(table) answered \(response.status): \(response.text)")
        }
        return response.text
    }

    /// The names of every table, requiring 200.
    func tableNames() async throws -> [String] {
        let response = try await self.send("GET", "/Tables")
        guard response.status == 200, let values = response.values else {
            throw ClientFailure(description: "listing tables answered \(response.status): \(response.text)")
        }
        return values.compactMap { $0["TableName"] as? String }.sorted()
    }
}

// MARK: - Batch bodies and responses

/// One operation of a changeset as a test writes it.
struct BatchTestPart: Sendable {
    /// The embedded request line's method.
    var method: String
    /// The embedded request line's URL.
    var url: String
    /// Headers of the MIME part, after `Content-Type: application/http` and
    /// `Content-Transfer-Encoding: binary` (where `Content-ID` belongs).
    var partHeaders: [(String, String)] = []
    /// Headers of the embedded request.
    var headers: [(String, String)] = []
    /// The embedded request's body.
    var body: String = ""
}

/// One embedded response of a batch response.
struct BatchTestResponsePart: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String

    /// The body parsed as a JSON object.
    func jsonObject() -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any]
    }

    /// `odata.error.code` of the body.
    var errorCode: String? {
        (self.jsonObject()?["odata.error"] as? [String: Any])?["code"] as? String
    }

    /// `odata.error.message.value` of the body.
    var errorMessage: String? {
        ((self.jsonObject()?["odata.error"] as? [String: Any])?["message"] as? [String: Any])?["value"] as? String
    }
}

enum BatchTestFormat {
    /// A `$batch` body of one changeset, CRLF line ends throughout, as the SDKs write it.
    static func body(_ parts: [BatchTestPart], batchBoundary: String, changesetBoundary: String) -> String {
        var text = "--\(batchBoundary)\r\n"
        text += "Content-Type: multipart/mixed; boundary=\(changesetBoundary)\r\n\r\n"
        for part in parts {
            text += Self.changesetPart(part, changesetBoundary: changesetBoundary)
        }
        text += "--\(changesetBoundary)--\r\n\r\n"
        text += "--\(batchBoundary)--\r\n"
        return text
    }

    /// One `--changeset` delimiter and the part that follows it.
    static func changesetPart(_ part: BatchTestPart, changesetBoundary: String) -> String {
        var text = "--\(changesetBoundary)\r\n"
        text += "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n"
        for (name, value) in part.partHeaders {
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        text += "\(part.method) \(part.url) HTTP/1.1\r\n"
        var headers = part.headers
        if !part.body.isEmpty, !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headers.insert(("Content-Type", "application/json"), at: 0)
        }
        headers.insert(("Accept", SignedTableClient.minimalMetadata), at: 0)
        headers.insert(("DataServiceVersion", "3.0"), at: 0)
        for (name, value) in headers {
            text += "\(name): \(value)\r\n"
        }
        text += "\r\n"
        text += part.body
        text += "\r\n"
        return text
    }

    /// The embedded responses of a batch response, in order.
    static func parse(_ response: TableTestResponse) throws -> [BatchTestResponsePart] {
        guard let contentType = response.headers["Content-Type"], let boundary = Self.boundary(contentType) else {
            throw SignedTableClient.ClientFailure(description: "the batch response has no multipart Content-Type")
        }
        var result: [BatchTestResponsePart] = []
        for outer in try Self.parts(response.text, boundary: boundary) {
            guard let innerBoundary = outer.headers["Content-Type"].flatMap(Self.boundary) else {
                result.append(try Self.embeddedResponse(outer.body))
                continue
            }
            for inner in try Self.parts(outer.body, boundary: innerBoundary) {
                result.append(try Self.embeddedResponse(inner.body))
            }
        }
        return result
    }

    /// The `boundary` parameter of a multipart content type.
    static func boundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/mixed") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" {
                return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func parts(_ text: String, boundary: String) throws -> [(headers: HTTPHeaders, body: String)] {
        let segments = text.components(separatedBy: "--" + boundary)
        guard segments.count >= 3, segments.last?.hasPrefix("--") == true else {
            throw SignedTableClient.ClientFailure(description: "a multipart response lacks '\(boundary)' delimiters")
        }
        return try segments.dropFirst().dropLast().map { segment in
            var content = segment
            if content.hasPrefix("\r\n") { content.removeFirst() }
            let (headerLines, body) = try Self.splitHead(content)
            var headers = HTTPHeaders()
            for line in headerLines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.add(
                    name: String(line[..<colon]),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var trimmedBody = body
            if trimmedBody.hasSuffix("\r\n") { trimmedBody.removeLast() }
            return (headers, trimmedBody)
        }
    }

    /// Header lines and body, split at the first empty line.
    private static func splitHead(_ content: String) throws -> ([String], String) {
        guard let blank = content.range(of: "\r\n\r\n") else {
            throw SignedTableClient.ClientFailure(description: "a multipart part has no empty line: \(content)")
        }
        let head = String(content[..<blank.lowerBound])
        return (head.components(separatedBy: "\r\n"), String(content[blank.upperBound...]))
    }

    private static func embeddedResponse(_ text: String) throws -> BatchTestResponsePart {
        let (lines, body) = try Self.splitHead(text)
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1.1 "),
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else {
            throw SignedTableClient.ClientFailure(description: "an embedded response has no status line: \(text)")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: String(line[..<colon]),
                value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return BatchTestResponsePart(status: status, headers: headers, body: body)
    }
}
