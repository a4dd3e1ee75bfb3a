//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

/// What each injected fault looks like on the wire, and that drops and slow answers come after
/// the write while busy and internal errors come before it.
@Suite("Fault injection", .timeLimit(.minutes(3)))
struct FaultInjectionTests {
    @Test("busy and internal answer the Table service's JSON error without running the request")
    func tableErrorsBeforeApplying() async throws {
        let client = try SignedTableClient()
        defer { client.shutdown() }
        try await client.createTable("faults")
        for (spec, status, code) in [("busy=1", 503, "ServerBusy"), ("internal=1", 500, "InternalError")] {
            client.emulator.faultInjector.setSpec(try FaultSpec(parsing: spec))
            let response = try await client.send("POST", "/faults", text: #"{"PartitionKey":"p","RowKey":"\#(code)"}"#)
            client.emulator.faultInjector.setSpec(FaultSpec())
            #expect(response.status == status)
            #expect(response.headers["x-ms-error-code"] == code)
            #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
            let error = response.jsonObject()?["odata.error"] as? [String: Any]
            #expect(error?["code"] as? String == code)
            #expect(response.headers["x-ms-request-id"] != nil)
            let read = try await client.getEntity("faults", "p", code)
            #expect(read.status == 404, "a refused insert must not have been applied")
        }
        #expect(client.emulator.faultInjector.counters.busy == 1)
        #expect(client.emulator.faultInjector.counters.internalError == 1)
    }

    @Test("busy and internal answer the Queue service's XML error without running the request")
    func queueErrorsBeforeApplying() async throws {
        let client = try SignedQueueClient()
        defer { client.shutdown() }
        try await client.createQueue("faults")
        for (spec, status, code) in [("busy=1", 503, "ServerBusy"), ("internal=1", 500, "InternalError")] {
            client.emulator.faultInjector.setSpec(try FaultSpec(parsing: spec))
            let response = try await client.send(
                "POST", "/faults/messages",
                body: Array("<QueueMessage><MessageText>x</MessageText></QueueMessage>".utf8))
            client.emulator.faultInjector.setSpec(FaultSpec())
            #expect(response.status == status)
            #expect(response.headers["x-ms-error-code"] == code)
            #expect(response.headers["Content-Type"] == "application/xml")
            #expect(response.text.contains("<Error><Code>\(code)</Code><Message>"))
        }
        let peeked = try await client.send("GET", "/faults/messages?peekonly=true&numofmessages=32")
        #expect(!peeked.text.contains("<QueueMessage>"), "no refused put may have been applied: \(peeked.text)")
    }

    @Test("busy and internal answer the Jobs service's error description without running the command")
    func jobsErrorsBeforeApplying() async throws {
        let emulator = try Self.emulator(services: [.jobs], faults: "busy=1")
        defer { emulator.shutdown() }
        let jobs = JobsClient(configuration: .init(baseURL: Self.origin(emulator, "Jobs")))
        let busy = await #expect(throws: JobsError.self) {
            _ = try await jobs.addJob(NewJob(type: "T", refId: "busy"), correlationId: "c1")
        }
        #expect(busy?.status == 503)
        #expect(busy?.code == "SERVER_BUSY")
        #expect(busy?.correlationId == "c1")
        emulator.faultInjector.setSpec(try FaultSpec(parsing: "internal=1"))
        let internalFailure = await #expect(throws: JobsError.self) {
            _ = try await jobs.addJob(NewJob(type: "T", refId: "internal"), correlationId: nil)
        }
        #expect(internalFailure?.status == 500)
        #expect(internalFailure?.code == JobsError.internalCode)
        emulator.faultInjector.setSpec(FaultSpec())
        let page = try await jobs.jobs(filter: JobsFilter(), paging: PagingParams(), correlationId: nil)
        #expect(page.data.isEmpty, "no refused command may have been applied")
        // 503 is retried (the command did not run), 500 on a write is not (it might have).
        #expect(emulator.faultInjector.counters.busy == StorageRetryPolicy.standard.maximumAttempts)
        #expect(emulator.faultInjector.counters.internalError == 1)
    }

    @Test("drop applies the write and closes the connection without an answer")
    func dropAppliesThenCloses() async throws {
        let client = try SignedTableClient()
        defer { client.shutdown() }
        try await client.createTable("dropped")
        client.emulator.faultInjector.setSpec(try FaultSpec(parsing: "drop=1"))
        let requestsBefore = client.emulator.faultInjector.counters.requests
        // The client's connection is a reused keep-alive one, where a silent resend by libcurl
        // would show as a second request.
        let failure = await #expect(throws: TransportError.self) {
            try await client.insert("dropped", #"{"PartitionKey":"p","RowKey":"r"}"#)
        }
        client.emulator.faultInjector.setSpec(FaultSpec())
        #expect(failure?.code == .connectionLost)
        #expect(failure?.code.mayHaveReachedServer == true)
        #expect(client.emulator.faultInjector.counters.requests - requestsBefore == 1, "sent exactly once")
        #expect(try await client.getEntity("dropped", "p", "r").status == 200, "the write was applied")

        // On the wire: no status line at all, just the end of the connection.
        client.emulator.faultInjector.setSpec(try FaultSpec(parsing: "drop=1"))
        let connection = try RawHTTPConnection(port: client.port)
        try connection.sendRequest("GET", "/devstoreaccount1/Tables")
        #expect(try connection.serverClosesConnection())
    }

    @Test("slow answers after the client has given up, with the write applied")
    func slowAnswersLate() async throws {
        let emulator = try Self.emulator(services: [.queue], faults: "slow=1:1500ms")
        defer { emulator.shutdown() }
        let transport = CurlTransport(configuration: .init(requestTimeout: .milliseconds(400)))
        defer { transport.shutdown() }
        let account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=\(Self.developmentKey);QueueEndpoint=\(Self.origin(emulator, "Queue"))")
        let queue = QueueClient(account: account, queueName: "slow", transport: transport)
        let failure = await #expect(throws: TransportError.self) { _ = try await queue.create() }
        #expect(failure?.code == .timedOut)
        emulator.faultInjector.setSpec(FaultSpec())
        let plain = QueueClient(account: account, queueName: "slow")
        #expect(try await plain.create() == false, "the queue exists: the timed-out create was applied")
        #expect(emulator.faultInjector.counters.slow == 1)
    }

    @Test("latency delays requests without failing them; services= limits the faults")
    func latencyAndServices() async throws {
        let emulator = try Self.emulator(services: [.table, .jobs], faults: "latency=1:20ms,busy=1,services=table")
        defer { emulator.shutdown() }
        let jobs = JobsClient(configuration: .init(baseURL: Self.origin(emulator, "Jobs")))
        _ = try await jobs.addJob(NewJob(type: "T", refId: "r"), correlationId: nil)
        #expect(emulator.faultInjector.counters.requests == 0, "jobs requests are not subject to the faults")
        emulator.faultInjector.setSpec(try FaultSpec(parsing: "latency=1:20ms"))
        let account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=\(Self.developmentKey);TableEndpoint=\(Self.origin(emulator, "Table"))")
        try await TableClient(account: account, tableName: "slowish").createTable()
        #expect(emulator.faultInjector.counters.latency == 1)
        #expect(emulator.faultInjector.counters.injected == 1)
    }

    @Test("the same seed gives the same decisions")
    func seeded() async throws {
        func outcomes(seed: UInt64) async throws -> [Int] {
            let emulator = try Self.emulator(services: [.jobs], faults: "internal=0.5", seed: seed)
            defer { emulator.shutdown() }
            let transport = CurlTransport()
            defer { transport.shutdown() }
            var statuses: [Int] = []
            for _ in 0..<20 {
                let response = try await transport.execute(
                    HTTPClientRequest(
                        method: "POST", url: Self.origin(emulator, "Jobs") + "/v1/jobs/get_jobs", body: []))
                statuses.append(response.status)
            }
            return statuses
        }
        let first = try await outcomes(seed: 42)
        #expect(try await outcomes(seed: 42) == first)
        #expect(Set(first) == [200, 500])
    }

    @Test("the admin endpoint reads, sets and clears the faults, and listens on loopback only")
    func adminEndpoint() async throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.queuePort = nil
        configuration.jobsPort = nil
        configuration.inMemory = true
        configuration.adminPort = 0
        configuration.faults = try FaultSpec(parsing: "busy=0.5")
        configuration.faultsSeed = 7
        configuration.logLevel = .silent
        let emulator = try StorageEmulator(configuration: configuration)
        defer { emulator.shutdown() }
        let admin = try #require(emulator.endpoints.first { $0.service == "Admin" })
        #expect(emulator.listeningLines == ["Admin service listening on \(admin.url.absoluteString)"])
        let transport = CurlTransport()
        defer { transport.shutdown() }
        func call(_ method: String, _ body: String = "") async throws -> (Int, String) {
            let response = try await transport.execute(
                HTTPClientRequest(method: method, url: admin.url.absoluteString, body: Array(body.utf8)))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        let (status, text) = try await call("GET")
        #expect(status == 200)
        #expect(text.contains(#""spec":"busy=0.5""#) && text.contains(#""seed":7"#) && text.contains(#""busy":0"#))
        let (setStatus, setText) = try await call("PUT", "drop=0.25,services=queue")
        #expect(setStatus == 200 && setText.contains(#""spec":"drop=0.25,services=queue""#))
        #expect(emulator.faultInjector.spec.drop == 0.25)
        let (badStatus, badText) = try await call("PUT", "drop=2")
        #expect(badStatus == 400 && badText.contains("invalidProbability"))
        #expect(emulator.faultInjector.spec.drop == 0.25, "a refused specification changes nothing")
        let (clearStatus, clearText) = try await call("DELETE")
        #expect(clearStatus == 200 && clearText.contains(#""spec":"""#))
        #expect(emulator.faultInjector.spec.isEmpty)
        #expect(try await call("POST").0 == 405)

        configuration.adminHost = "0.0.0.0"
        #expect(throws: HTTPServerError.self) { _ = try StorageEmulator(configuration: configuration) }
    }

    // MARK: Support

    /// The published development key, which only works against emulators.
    private static let developmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    private static func emulator(
        services: Set<FaultSpec.Service>, faults: String, seed: UInt64? = nil
    ) throws -> StorageEmulator {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = services.contains(.table) ? 0 : nil
        configuration.queuePort = services.contains(.queue) ? 0 : nil
        configuration.jobsPort = services.contains(.jobs) ? 0 : nil
        configuration.inMemory = true
        configuration.threadCount = 2
        configuration.faults = try FaultSpec(parsing: faults)
        configuration.faultsSeed = seed
        configuration.logLevel = .silent
        // Some tests send raw unsigned Jobs commands; authentication is not their subject.
        configuration.jobsAllowsAnonymous = true
        return try StorageEmulator(configuration: configuration)
    }

    /// The service's URL; for Jobs without the `/v1/jobs` the client adds itself.
    private static func origin(_ emulator: StorageEmulator, _ service: String) -> String {
        guard let endpoint = emulator.endpoints.first(where: { $0.service == service }) else { return "" }
        let url = endpoint.url.absoluteString
        return service == "Jobs" ? String(url.dropLast("/v1/jobs".count)) : url
    }
}
