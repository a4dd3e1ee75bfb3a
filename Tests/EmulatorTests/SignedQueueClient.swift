//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore

/// A Queue service response as a test inspects it.
struct QueueTestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    /// The body as UTF-8 text.
    var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The error code of an XML error body.
    var bodyErrorCode: String? {
        try? StorageErrorXML.decode(self.body).code
    }

    /// The extra elements of an XML error body.
    var errorDetails: [QueueMetadataEntry] {
        (try? StorageErrorXML.decode(self.body).details) ?? []
    }

    /// The messages of a `QueueMessagesList` body.
    func messages() throws -> [QueueMessageItem] {
        try QueueMessageXML.decodeList(self.body)
    }
}

/// A signing HTTP client for one in-process emulator serving only the Queue service, started
/// on port 0 with an in-memory store (or a directory, for restart tests).
///
/// Every request is signed with `SharedKey` for `devstoreaccount1` unless a test asks for
/// something else, and carries `x-ms-date` and `x-ms-version` as the SDKs send them.
final class SignedQueueClient: Sendable {
    /// The `x-ms-version` sent, the newest the Python SDK knows.
    static let version = "2026-06-06"

    let emulator: StorageEmulator
    let transport: CurlTransport
    /// `http://127.0.0.1:<port>`, without the account.
    let origin: String

    /// Starts an emulator serving the development account and the second test account.
    init(location: URL? = nil) throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.queuePort = 0
        configuration.jobsPort = nil
        if let location {
            configuration.location = location
        } else {
            configuration.inMemory = true
        }
        configuration.threadCount = 2
        configuration.accounts = [SignedTableClient.secondAccount]
        configuration.logLevel = .error
        let emulator = try StorageEmulator(configuration: configuration)
        guard let endpoint = emulator.endpoints.first(where: { $0.service == "Queue" }) else {
            emulator.shutdown()
            throw SignedTableClient.ClientFailure(description: "the emulator started no Queue service")
        }
        self.emulator = emulator
        self.origin = "http://127.0.0.1:\(endpoint.port)"
        self.transport = CurlTransport(configuration: CurlTransport.Configuration(requestTimeout: .seconds(60)))
    }

    /// Stops the transport and the emulator.
    func shutdown() {
        self.transport.shutdown()
        self.emulator.shutdown()
    }

    /// Sends one request to `/<account><path>`, signed as `authorization` says with `scheme`.
    func send(
        _ method: String, _ path: String, account: String = SignedTableClient.accountName,
        headers: HTTPHeaders = [:], body: [UInt8] = [], authorization: TestAuthorization = .development,
        scheme: SharedKeyScheme = .sharedKey, date: TestDate = .now
    ) async throws -> QueueTestResponse {
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
        if !body.isEmpty {
            finalHeaders.add(name: "Content-Type", value: "application/xml")
        }
        for field in headers {
            finalHeaders.remove(name: field.name)
        }
        for field in headers {
            finalHeaders.add(name: field.name, value: field.value)
        }
        finalHeaders.replaceOrAdd(name: "Content-Length", value: String(body.count))
        switch authorization {
        case .sharedKey(let accountName, let key):
            let signable = try SignableRequest(method: method, target: target, headers: finalHeaders)
            let value = SharedKeySigner(service: .queue, scheme: scheme).authorization(
                for: signable, accountName: accountName, key: key)
            finalHeaders.add(name: "Authorization", value: value.headerValue)
        case .none:
            break
        case .raw(let value):
            finalHeaders.add(name: "Authorization", value: value)
        }
        finalHeaders.remove(name: "Content-Length")
        let response = try await self.transport.execute(
            HTTPClientRequest(method: method, url: self.origin + target, headers: finalHeaders, body: body))
        return QueueTestResponse(status: response.status, headers: response.headers, body: response.body)
    }

    /// Creates a queue and checks it was new.
    func createQueue(_ name: String) async throws {
        let response = try await self.send("PUT", "/\(name)")
        guard response.status == 201 else {
            throw SignedTableClient.ClientFailure(description: "create \(name): \(response.status) \(response.text)")
        }
    }

    /// Puts a message with optional query parameters and returns the answered entry.
    func put(_ queue: String, _ text: String, query: String = "") async throws -> QueueMessageItem {
        let response = try await self.send(
            "POST", "/\(queue)/messages\(query)", body: QueueMessageXML.encodeMessageText(text))
        guard response.status == 201, let item = try response.messages().first else {
            throw SignedTableClient.ClientFailure(description: "put: \(response.status) \(response.text)")
        }
        return item
    }

    /// Gets messages with the given query and returns them.
    func get(_ queue: String, query: String = "") async throws -> [QueueMessageItem] {
        let response = try await self.send("GET", "/\(queue)/messages\(query)")
        guard response.status == 200 else {
            throw SignedTableClient.ClientFailure(description: "get: \(response.status) \(response.text)")
        }
        return try response.messages()
    }

    /// A value percent-encoded for a query string.
    static func queryValue(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
