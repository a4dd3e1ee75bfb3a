//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

/// An in-process emulator serving only the Jobs service, on a free port, and a plain HTTP
/// client for it.
final class JobsTestService: Sendable {
    /// The emulator.
    let emulator: StorageEmulator
    /// `http://127.0.0.1:<port>/v1/jobs`.
    let baseURL: String
    private let transport = CurlTransport()

    /// Starts an emulator; in memory unless `location` is given.
    init(location: URL? = nil, cleanInterval: Duration = .zero, maximumRetries: Int = 10) throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.jobsPort = 0
        configuration.queuePort = nil
        configuration.jobsCleanInterval = cleanInterval
        configuration.jobsMaximumRetries = maximumRetries
        // The dialect's own behaviour, sent as a pip-services client sends it: unsigned.
        // Authentication is EmulatorHardeningTests' subject.
        configuration.jobsAllowsAnonymous = true
        configuration.threadCount = 4
        configuration.logLevel = .silent
        if let location {
            configuration.location = location
        } else {
            configuration.inMemory = true
        }
        self.emulator = try StorageEmulator(configuration: configuration)
        self.baseURL = try #require(self.emulator.endpoints.first { $0.service == "Jobs" }).url.absoluteString
    }

    /// Stops the client and the emulator.
    func shutdown() {
        self.transport.shutdown()
        self.emulator.shutdown()
    }

    /// Calls `command` with a raw body.
    func call(_ command: String, body: String, method: String = "POST", query: String = "") async throws
        -> HTTPClientResponse
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        if body.utf8.count > 1024 * 1024 {
            // The server refuses a large body before reading it and closes; waiting for 100
            // Continue, as clients should with large bodies, lets the client read that answer
            // instead of running into a reset while still sending.
            headers.add(name: "Expect", value: "100-continue")
        }
        return try await self.transport.execute(
            HTTPClientRequest(
                method: method, url: "\(self.baseURL)/\(command)\(query)", headers: headers, body: Array(body.utf8)))
    }

    /// Calls `command` with named arguments.
    func call(_ command: JobsCommand, _ arguments: [JSONMember] = []) async throws -> HTTPClientResponse {
        try await self.call(command.rawValue, body: JSONWriter.string(.object(arguments)))
    }

    /// Calls a command that answers with a job, or 204.
    func job(_ command: JobsCommand, _ arguments: [JSONMember]) async throws -> Job? {
        let response = try await self.call(command, arguments)
        if response.status == 204 {
            #expect(response.body.isEmpty)
            return nil
        }
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        return try Job(json: JSONParser.parse(response.body))
    }

    /// The error a response carries.
    static func error(_ response: HTTPClientResponse) throws -> JobsError {
        #expect(response.headers["Content-Type"] == "application/json")
        return JobsError(json: try JSONParser.parse(response.body), status: response.status)
    }
}

private func newJob(_ type: String, _ reference: String, ttl: Int = 0) -> JSONMember {
    JSONMember("new_job", NewJob(type: type, refId: reference, ttl: ttl, params: .object([])).json)
}

private func member(_ name: String, _ text: String) -> JSONMember {
    JSONMember(name, .string(text))
}

private func timeout(_ milliseconds: Int) -> JSONMember {
    JSONMember("timeout", .number(milliseconds))
}

@Suite("Jobs service over HTTP")
struct JobsServiceHTTPTests {
    @Test("the emulator announces the Jobs service after the Table service")
    func listeningLine() throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = 0
        configuration.jobsPort = 0
        configuration.queuePort = nil
        configuration.inMemory = true
        configuration.logLevel = .silent
        let emulator = try StorageEmulator(configuration: configuration)
        defer { emulator.shutdown() }
        let lines = emulator.listeningLines
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("Table service listening on http://127.0.0.1:") == true)
        #expect(lines.last?.hasPrefix("Jobs service listening on http://127.0.0.1:") == true)
        #expect(lines.last?.hasSuffix("/v1/jobs") == true)
    }

    @Test("every command, end to end")
    func everyCommand() async throws {
        let service = try JobsTestService()
        defer { service.shutdown() }
        let added = try #require(try await service.job(.addJob, [newJob("t", "r1", ttl: 60_000)]))
        #expect(added.retries == 0 && added.executeUntil != nil && added.params == .object([]))
        let unique = try #require(try await service.job(.addUniqueJob, [newJob("t", "r1")]))
        #expect(unique == added)
        let second = try #require(try await service.job(.addUniqueJob, [newJob("t", "r2")]))
        #expect(second.id != added.id)
        #expect(try await service.job(.getJobById, [member("job_id", added.id)]) == added)
        #expect(try await service.job(.getJobById, [member("job_id", "missing")]) == nil)

        let pageResponse = try await service.call(
            .getJobs,
            [
                JSONMember("filter", JobsFilter().json),
                JSONMember("paging", PagingParams(skip: 1, take: 1, total: true).json),
            ])
        #expect(pageResponse.status == 200)
        let page = try JobsPage(json: JSONParser.parse(pageResponse.body))
        #expect(page.data == [second])
        #expect(page.total == 2)
        var filter = JobsFilter()
        filter.refId = "r1"
        let filtered = try JobsPage(
            json: JSONParser.parse(try await service.call(.getJobs, [JSONMember("filter", filter.json)]).body))
        #expect(filtered.data == [added])

        let claimed = try #require(try await service.job(.startJobByType, [member("type", "t"), timeout(60_000)]))
        #expect(claimed.id == added.id && claimed.retries == 1)
        let token = try #require(claimed.lockToken)
        let byId = try #require(try await service.job(.startJobById, [member("job_id", second.id), timeout(60_000)]))
        #expect(byId.id == second.id)
        #expect(try await service.job(.startJobByType, [member("type", "t"), timeout(60_000)]) == nil)
        #expect(try await service.job(.startJobById, [member("job_id", added.id), timeout(60_000)]) == nil)

        let extended = try #require(
            try await service.job(
                .extendJob, [member("job_id", added.id), timeout(120_000), member("lock_token", token)]))
        #expect(try #require(extended.lockedUntil) > (try #require(claimed.lockedUntil)))
        let aborted = try #require(
            try await service.job(.abortJob, [member("job_id", added.id), member("lock_token", token)]))
        #expect(aborted.lockedUntil == nil && aborted.retries == 1)
        let again = try #require(try await service.job(.startJobById, [member("job_id", added.id), timeout(60_000)]))
        let completed = try #require(
            try await service.job(.completeJob, [member("job_id", added.id), member("lock_token", again.lockToken!)]))
        #expect(completed.completed != nil)
        // Without a token, as the original: unconditional.
        #expect(try await service.job(.completeJob, [member("job_id", second.id)])?.completed != nil)

        #expect(try await service.job(.deleteJobById, [member("job_id", added.id)])?.id == added.id)
        #expect(try await service.job(.deleteJobById, [member("job_id", added.id)]) == nil)
        let deleteAll = try await service.call(.deleteJobs)
        #expect(deleteAll.status == 204)
        let empty = try JobsPage(
            json: JSONParser.parse(
                try await service.call(.getJobs, [JSONMember("paging", PagingParams(total: true).json)]).body))
        #expect(empty.total == 0)
    }

    @Test("a stale lock token gets 409; a lapsed lock is claimable again with retries incremented")
    func staleToken() async throws {
        let service = try JobsTestService()
        defer { service.shutdown() }
        let job = try #require(try await service.job(.addJob, [newJob("t", "r")]))
        let first = try #require(try await service.job(.startJobByType, [member("type", "t"), timeout(100)]))
        try await Task.sleep(for: .milliseconds(150))
        let second = try #require(try await service.job(.startJobByType, [member("type", "t"), timeout(60_000)]))
        #expect(second.id == job.id && second.retries == 2 && second.lockToken != first.lockToken)
        for command in [JobsCommand.extendJob, .abortJob, .completeJob] {
            var arguments = [member("job_id", job.id), member("lock_token", first.lockToken!)]
            if command == .extendJob {
                arguments.append(timeout(1000))
            }
            let response = try await service.call(command, arguments)
            #expect(response.status == 409)
            let error = try JobsTestService.error(response)
            #expect(error.code == JobsError.lockTokenMismatchCode)
            #expect(error.category == "Conflict")
        }
        #expect(try await service.job(.getJobById, [member("job_id", job.id)]) == second)
        // A missing job is still "nothing", token or not.
        #expect(try await service.job(.completeJob, [member("job_id", "missing"), member("lock_token", "x")]) == nil)
    }

    @Test("max_retries is respected over HTTP")
    func maximumRetries() async throws {
        let service = try JobsTestService(maximumRetries: 1)
        defer { service.shutdown() }
        _ = try await service.job(.addJob, [newJob("t", "r")])
        #expect(try await service.job(.startJobByType, [member("type", "t"), timeout(10)]) != nil)
        try await Task.sleep(for: .milliseconds(30))
        #expect(try await service.job(.startJobByType, [member("type", "t"), timeout(10)]) == nil)
    }

    @Test("the cleanup timer deletes completed jobs")
    func cleanup() async throws {
        let service = try JobsTestService(cleanInterval: .milliseconds(50))
        defer { service.shutdown() }
        let job = try #require(try await service.job(.addJob, [newJob("t", "r")]))
        let kept = try #require(try await service.job(.addJob, [newJob("t", "s")]))
        _ = try await service.job(.completeJob, [member("job_id", job.id)])
        var remaining: Job? = job
        for _ in 0..<100 where remaining != nil {
            try await Task.sleep(for: .milliseconds(20))
            remaining = try await service.job(.getJobById, [member("job_id", job.id)])
        }
        #expect(remaining == nil)
        #expect(try await service.job(.getJobById, [member("job_id", kept.id)]) == kept)
    }

    @Test("jobs survive an emulator restart on the same location")
    func persistence() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var service = try JobsTestService(location: directory.url)
        let job = try #require(try await service.job(.addJob, [newJob("t", "r", ttl: 600_000)]))
        service.shutdown()
        service = try JobsTestService(location: directory.url)
        defer { service.shutdown() }
        #expect(try await service.job(.getJobById, [member("job_id", job.id)]) == job)
        #expect(try await service.job(.startJobByType, [member("type", "t"), timeout(1000)])?.id == job.id)
    }

    @Test(
        "invalid arguments get 400 INVALID_DATA",
        arguments: [
            ("add_job", "{}"),
            ("add_job", #"{"new_job":{"type":"t","ttl":1}}"#),
            ("add_job", #"{"new_job":{"type":"t","ref_id":"r","ttl":"soon"}}"#),
            ("add_uniq_job", #"{"new_job":[]}"#),
            ("get_jobs", #"{"filter":{"created_from":"yesterday"}}"#),
            ("get_jobs", #"{"paging":{"take":-5}}"#),
            ("get_job_by_id", "{}"),
            ("start_job_by_type", #"{"type":"t"}"#),
            ("start_job_by_type", #"{"type":"t","timeout":0}"#),
            ("start_job_by_type", #"{"type":"t","timeout":9223372036854775807}"#),
            ("add_job", #"{"new_job":{"type":"t","ref_id":"r","ttl":9223372036854775807}}"#),
            ("start_job_by_id", #"{"job_id":5,"timeout":10}"#),
            ("extend_job", #"{"job_id":"j"}"#),
            ("complete_job", #"{"job_id":"j","lock_token":7}"#),
            ("abort_job", "not json"),
            ("delete_job_by_id", "[]"),
        ])
    func invalidArguments(command: String, body: String) async throws {
        let service = try JobsTestService()
        defer { service.shutdown() }
        let response = try await service.call(command, body: body, query: "?correlation_id=abc")
        #expect(response.status == 400)
        let error = try JobsTestService.error(response)
        #expect(error.code == JobsError.invalidDataCode)
        #expect(error.category == "BadRequest")
        #expect(error.correlationId == "abc")
    }

    @Test("an unknown command or path gets 404, another method 405")
    func unknownCommand() async throws {
        let service = try JobsTestService()
        defer { service.shutdown() }
        for command in ["clean_jobs", "", "add_job/extra"] {
            let response = try await service.call(command, body: "{}")
            #expect(response.status == 404)
            #expect(try JobsTestService.error(response).code == JobsError.notFoundCode)
        }
        let wrongMethod = try await service.call("get_jobs", body: "", method: "GET")
        #expect(wrongMethod.status == 405)
    }

    @Test("a body over the limit gets 413 with an error description")
    func oversizedBody() async throws {
        let service = try JobsTestService()
        defer { service.shutdown() }
        let padding = String(repeating: "x", count: 4 * 1024 * 1024)
        let response = try await service.call("add_job", body: #"{"pad":"\#(padding)"}"#)
        #expect(response.status == 413)
        let error = try JobsTestService.error(response)
        #expect(error.code == "REQUEST_TOO_LARGE")
        #expect(error.status == 413)
    }
}
