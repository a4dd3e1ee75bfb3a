//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// The emulator's defences as each service shows them: the unauthenticated health endpoint, the
/// Azure-shaped 503 `ServerBusy` and 414 answers, refusal of unauthenticated requests, secrets
/// kept out of the log, and the loopback check behind the `--host` warning.
@Suite("Emulator hardening", .timeLimit(.minutes(1)))
struct EmulatorHardeningTests {
    /// The three services on free ports, in memory, with `maximumRequestsInFlight` places each.
    static func emulator(maximumRequestsInFlight: Int = 256) throws -> StorageEmulator {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = 0
        configuration.queuePort = 0
        configuration.jobsPort = 0
        configuration.inMemory = true
        configuration.logLevel = .silent
        configuration.threadCount = 2
        configuration.maximumRequestsInFlight = maximumRequestsInFlight
        return try StorageEmulator(configuration: configuration)
    }

    static func port(_ emulator: StorageEmulator, _ service: String) throws -> Int {
        try #require(emulator.endpoints.first { $0.service == service }).port
    }

    // MARK: Health

    @Test("GET /health answers 200 {\"status\":\"ok\"} on every service port without credentials")
    func healthEndpoint() throws {
        let emulator = try Self.emulator()
        defer { emulator.shutdown() }
        for service in ["Table", "Queue", "Jobs"] {
            let connection = try RawHTTPConnection(port: try Self.port(emulator, service))
            try connection.sendRequest("GET", "/health")
            let response = try connection.readResponse()
            #expect(response.status == 200, "\(service)")
            #expect(response.text == #"{"status":"ok"}"#, "\(service)")
            #expect(response.headers["Content-Type"] == "application/json", "\(service)")
            try connection.sendRequest("HEAD", "/health")
            #expect(try connection.readResponse(toHead: true).status == 200, "\(service)")
        }
    }

    @Test("anything but exactly GET /health still needs credentials on Table and Queue")
    func onlyHealthIsOpen() throws {
        let emulator = try Self.emulator()
        defer { emulator.shutdown() }
        let targets = [
            ("Table", "GET", "/devstoreaccount1/Tables"), ("Table", "GET", "/health?x=1"),
            ("Table", "POST", "/health"), ("Queue", "GET", "/devstoreaccount1?comp=list"),
            ("Queue", "GET", "/health/"), ("Queue", "PUT", "/devstoreaccount1/myqueue"),
        ]
        for (service, method, target) in targets {
            let connection = try RawHTTPConnection(port: try Self.port(emulator, service))
            try connection.sendRequest(method, target, headers: [("x-ms-version", "2019-02-02")])
            let response = try connection.readResponse()
            #expect(
                [403, 404, 400].contains(response.status) && response.status != 200, "\(service) \(method) \(target)")
            if target.hasPrefix("/devstoreaccount1") {
                #expect(response.status == 403, "\(service) \(method) \(target)")
                #expect(response.headers["x-ms-error-code"] == "AuthenticationFailed")
            }
        }
    }

    // MARK: Jobs authentication

    /// An emulator serving only Jobs, in memory.
    private static func jobsEmulator(token: String? = nil, anonymous: Bool = false) throws -> StorageEmulator {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.queuePort = nil
        configuration.jobsPort = 0
        configuration.inMemory = true
        configuration.logLevel = .silent
        configuration.jobsToken = token
        configuration.jobsAllowsAnonymous = anonymous
        return try StorageEmulator(configuration: configuration)
    }

    @Test("Jobs commands need a shared-key signature or the bearer token; health needs neither")
    func jobsAuthentication() async throws {
        let emulator = try Self.jobsEmulator(token: "s3cret-token")
        defer { emulator.shutdown() }
        let port = try Self.port(emulator, "Jobs")

        let refused = [
            nil, "Bearer wrong-token", "Bearer s3cret-toke", "s3cret-token", "SharedKey devstoreaccount1:AAAA",
            "SharedKey nosuchaccount:AAAA",
        ]
        for authorization in refused as [String?] {
            let connection = try RawHTTPConnection(port: port)
            try connection.sendRequest(
                "POST", "/v1/jobs/get_jobs", headers: authorization.map { [("Authorization", $0)] } ?? [],
                body: Array("{}".utf8))
            let response = try connection.readResponse()
            #expect(response.status == 401, "\(authorization ?? "none")")
            #expect(response.text.contains(#""code":"UNAUTHORIZED""#))
        }
        let health = try RawHTTPConnection(port: port)
        try health.sendRequest("GET", "/health")
        #expect(try health.readResponse().status == 200)

        let transport = CurlTransport()
        defer { transport.shutdown() }
        let baseURL = "http://127.0.0.1:\(port)"
        let signed = JobsClient(configuration: .init(baseURL: baseURL), transport: transport)
        let added = try await signed.addJob(NewJob(type: "t", refId: "r"), correlationId: "signed")
        #expect(try await signed.job(id: added.id, correlationId: nil)?.refId == "r")
        let bearer = JobsClient(
            configuration: .init(baseURL: baseURL, credential: .bearerToken("s3cret-token")), transport: transport)
        #expect(try await bearer.job(id: added.id, correlationId: nil)?.refId == "r")
        let wrongKey = JobsClient(
            configuration: .init(
                baseURL: baseURL,
                credential: .sharedKey(
                    accountName: "devstoreaccount1", key: try StorageAccountKey(base64: "d3Jvbmcta2V5LXdyb25nLWtleQ=="))
            ),
            transport: transport)
        await #expect(throws: JobsError.self) { try await wrongKey.job(id: added.id, correlationId: nil) }
        let unsigned = JobsClient(configuration: .init(baseURL: baseURL, credential: .none), transport: transport)
        await #expect(throws: JobsError.self) { try await unsigned.job(id: added.id, correlationId: nil) }
    }

    @Test("with --jobs-anonymous, unsigned commands are served, as by a pip-services service")
    func jobsAnonymous() async throws {
        let emulator = try Self.jobsEmulator(anonymous: true)
        defer { emulator.shutdown() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let unsigned = JobsClient(
            configuration: .init(baseURL: "http://127.0.0.1:\(try Self.port(emulator, "Jobs"))", credential: .none),
            transport: transport)
        let added = try await unsigned.addJob(NewJob(type: "t", refId: "r"), correlationId: nil)
        #expect(try await unsigned.job(id: added.id, correlationId: nil)?.refId == "r")
    }

    // MARK: Capacity

    @Test("at capacity each service answers 503 in its own dialect: Table JSON, Queue XML, Jobs JSON")
    func serverBusyPerService() async throws {
        let emulator = try Self.emulator(maximumRequestsInFlight: 1)
        defer { emulator.shutdown() }
        for service in ["Table", "Queue", "Jobs"] {
            let port = try Self.port(emulator, service)
            var response: RawHTTPConnection.Response?
            var holder: RawHTTPConnection?
            for _ in 0..<100 {
                // Holds the one place while its body is owed — unless a probe of the previous
                // attempt still had it when its head arrived, in which case the next attempt
                // starts over with a new holder.
                let candidate = try HTTPServerLimitsTests.holdRequestInFlight(port: port, path: "/health")
                try await Task.sleep(for: .milliseconds(20))
                let probe = try RawHTTPConnection(port: port)
                try probe.sendRequest("GET", "/health")
                let answer = try probe.readResponse()
                if answer.status == 503 {
                    response = answer
                    holder = candidate
                    break
                }
                try candidate.send("67890")
                _ = try candidate.readResponse()
            }
            let busy = try #require(response, "\(service) never answered 503")
            switch service {
            case "Table":
                #expect(busy.headers["x-ms-error-code"] == "ServerBusy")
                #expect(busy.text.contains(#""odata.error":{"code":"ServerBusy""#))
                #expect(busy.headers["x-ms-request-id"] != nil)
            case "Queue":
                #expect(busy.headers["x-ms-error-code"] == "ServerBusy")
                #expect(busy.text.contains("<Code>ServerBusy</Code>"))
                #expect(busy.headers["Content-Type"] == "application/xml")
            default:
                #expect(busy.text.contains(#""code":"SERVER_BUSY""#))
                #expect(busy.text.contains(#""status":503"#))
                #expect(busy.headers["Retry-After"] == "1")
            }
            let heldRequest = try #require(holder)
            try heldRequest.send("67890")
            // The held request completes (405 or 404: it is not a real operation) and frees the place.
            #expect(try heldRequest.readResponse().status != 503)
        }
    }

    @Test("an over-long URL is 414 with InvalidUri on Table and Queue")
    func longTarget() throws {
        let emulator = try Self.emulator()
        defer { emulator.shutdown() }
        let target = "/devstoreaccount1/" + String(repeating: "a", count: 33 * 1024)
        for service in ["Table", "Queue"] {
            let connection = try RawHTTPConnection(port: try Self.port(emulator, service))
            try connection.sendRequest("GET", target)
            let response = try connection.readResponse()
            #expect(response.status == 414, "\(service)")
            #expect(response.headers["x-ms-error-code"] == "InvalidUri", "\(service)")
        }
    }

    // MARK: Secrets stay out of the log

    @Test("request lines logged by the Table and Queue services carry no SAS signature")
    func logsWithoutSignatures() throws {
        let lines = Mutex<[String]>([])
        let log = EmulatorLog(level: .debug) { line in lines.withLock { $0.append(line) } }
        let accounts = AccountRegistry(additional: [])
        let table = TableService(store: try TableStore(location: .inMemory), accounts: accounts, log: log)
        let queue = QueueService(store: try QueueStore(location: .inMemory), accounts: accounts, log: log)
        let secret = "c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw%3D%3D"
        let sas = "sv=2019-02-02&ss=tq&srt=sco&sp=rwdlacup&se=2099-01-01T00%3A00%3A00Z&sig=\(secret)"
        let tableResponse = table.handle(HTTPServerRequest(method: "GET", target: "/devstoreaccount1/Tables?\(sas)"))
        let queueResponse = queue.handle(HTTPServerRequest(method: "GET", target: "/devstoreaccount1?comp=list&\(sas)"))
        #expect(tableResponse.status == 403)
        #expect(queueResponse.status == 403)
        _ = table.serverBusyResponse(HTTPServerRequest(method: "GET", target: "/devstoreaccount1/Tables?\(sas)"))

        let logged = lines.withLock { $0 }
        #expect(logged.count >= 3)
        for line in logged {
            #expect(!line.contains(secret), "\(line)")
            #expect(line.contains("sig=<redacted>"), "\(line)")
        }
    }

    @Test(
        "LogRedaction removes SAS signatures, shared key signatures and account keys, and nothing else",
        arguments: [
            ("GET /a/t?sv=1&sig=abc%2B%3D&se=2", "GET /a/t?sv=1&sig=<redacted>&se=2"),
            ("GET /a/t?SIG=abc", "GET /a/t?SIG=<redacted>"),
            ("x sig=abc y", "x sig=<redacted> y"),
            (
                "Authorization: SharedKey devstoreaccount1:AbC+/=",
                "Authorization: SharedKey devstoreaccount1:<redacted>"
            ),
            ("SharedKeyLite acct:xyz, next", "SharedKeyLite acct:<redacted>, next"),
            (
                "AccountName=a;AccountKey=S3cr3t==;TableEndpoint=x",
                "AccountName=a;AccountKey=<redacted>;TableEndpoint=x"
            ),
            ("GET /a/t?mysig=keep&design=keep", "GET /a/t?mysig=keep&design=keep"),
            ("no secrets here", "no secrets here"),
        ])
    func redaction(input: String, expected: String) {
        #expect(LogRedaction.redacting(input) == expected)
    }

    // MARK: Binding

    @Test(
        "only 127.x.x.x and localhost count as loopback",
        arguments: [
            ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("LOCALHOST", true), ("0.0.0.0", false),
            ("192.168.1.10", false), ("example.com", false), ("127.0.0.256", false), ("::1", false),
        ])
    func loopback(host: String, isLoopback: Bool) {
        #expect(StorageEmulator.isLoopback(host: host) == isLoopback)
    }
}
