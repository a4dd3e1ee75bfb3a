//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Testing

@Suite("Jobs wire format")
struct JobsWireFormatTests {
    static let jobJSON = """
        {"id":"0123456789abcdef0123456789abcdef","type":"T","ref_id":"r","params":null,\
        "created":"2026-12-04T17:00:38.123Z","started":"2026-12-04T17:00:39.000Z",\
        "locked_until":"2026-12-04T17:01:39.000Z","execute_until":null,"completed":null,\
        "retries":1,"lock_token":"fedcba9876543210fedcba9876543210"}
        """

    private func client(status: Int = 200, body: String = Self.jobJSON) -> (JobsClient, RecordingTransport) {
        let transport = RecordingTransport { _ in
            HTTPClientResponse(
                status: status, headers: ["Content-Type": "application/json"], body: Array(body.utf8))
        }
        let client = JobsClient(
            configuration: JobsClient.Configuration(baseURL: "http://jobs.example:8080/", timeout: .seconds(7)),
            transport: transport)
        return (client, transport)
    }

    private func body(_ request: HTTPClientRequest) throws -> JSONValue {
        try JSONParser.parse(request.body)
    }

    @Test("the default configuration points at the emulator's Jobs port")
    func defaults() {
        let configuration = JobsClient.Configuration()
        #expect(configuration.baseURL == "http://127.0.0.1:10003")
        #expect(configuration.timeout == .seconds(30))
    }

    @Test("every command is a POST of named arguments to /v1/jobs/<command>")
    func commands() async throws {
        let (client, transport) = self.client()
        let newJob = NewJob(type: "T", refId: "r", ttl: 5000, params: .object([JSONMember("a", .number(1))]))
        _ = try await client.addJob(newJob, correlationId: "c 1/é")
        _ = try await client.addUniqueJob(newJob)
        _ = try await client.job(id: "j1")
        _ = try await client.startJob(id: "j1", timeout: .milliseconds(1500))
        _ = try await client.startJob(type: "T", timeout: .seconds(60))
        _ = try await client.extendJob(id: "j1", lockToken: "tok", timeout: .microseconds(1500))
        _ = try await client.abortJob(id: "j1", lockToken: nil)
        _ = try await client.completeJob(id: "j1", lockToken: "tok")
        _ = try await client.deleteJob(id: "j1")
        let requests = transport.requests
        #expect(requests.allSatisfy { $0.method == "POST" && $0.timeout == .seconds(7) })
        #expect(requests.allSatisfy { $0.headers["Content-Type"] == "application/json" })
        #expect(
            requests.map(\.url) == [
                "http://jobs.example:8080/v1/jobs/add_job?correlation_id=c%201%2F%C3%A9",
                "http://jobs.example:8080/v1/jobs/add_uniq_job",
                "http://jobs.example:8080/v1/jobs/get_job_by_id",
                "http://jobs.example:8080/v1/jobs/start_job_by_id",
                "http://jobs.example:8080/v1/jobs/start_job_by_type",
                "http://jobs.example:8080/v1/jobs/extend_job",
                "http://jobs.example:8080/v1/jobs/abort_job",
                "http://jobs.example:8080/v1/jobs/complete_job",
                "http://jobs.example:8080/v1/jobs/delete_job_by_id",
            ])
        let bodies = try requests.map { try JSONWriter.string(self.body($0)) }
        #expect(bodies[0] == #"{"new_job":{"type":"T","ref_id":"r","ttl":5000,"params":{"a":1}}}"#)
        #expect(bodies[1] == bodies[0])
        #expect(bodies[2] == #"{"job_id":"j1"}"#)
        #expect(bodies[3] == #"{"job_id":"j1","timeout":1500}"#)
        #expect(bodies[4] == #"{"type":"T","timeout":60000}"#)
        #expect(bodies[5] == #"{"job_id":"j1","timeout":2,"lock_token":"tok"}"#)
        #expect(bodies[6] == #"{"job_id":"j1"}"#)
        #expect(bodies[7] == #"{"job_id":"j1","lock_token":"tok"}"#)
        #expect(bodies[8] == #"{"job_id":"j1"}"#)
    }

    @Test("a job answer is decoded with the original field names and lock_token")
    func decodesJob() async throws {
        let (client, _) = self.client()
        let job = try #require(try await client.startJob(type: "T", timeout: .seconds(60)))
        #expect(job.id == "0123456789abcdef0123456789abcdef" && job.refId == "r" && job.retries == 1)
        #expect(job.lockToken == "fedcba9876543210fedcba9876543210")
        #expect(job.lockedUntil == JobsDate.date(from: "2026-12-04T17:01:39.000Z"))
        #expect(job.executeUntil == nil && job.completed == nil)
    }

    @Test("get_jobs sends filter and paging and reads the page")
    func getJobs() async throws {
        let (client, transport) = self.client(body: #"{"data":[\#(Self.jobJSON)],"total":7}"#)
        var filter = JobsFilter()
        filter.type = "T"
        let page = try await client.jobs(filter: filter, paging: PagingParams(skip: 2, take: 3, total: true))
        #expect(page.data.count == 1 && page.total == 7)
        let body = try self.body(try #require(transport.requests.first))
        #expect(body["filter"]?["type"] == .string("T"))
        #expect(body["paging"] == PagingParams(skip: 2, take: 3, total: true).json)
        #expect(transport.requests.first?.url == "http://jobs.example:8080/v1/jobs/get_jobs")
    }

    @Test("204 No Content is nil")
    func noContent() async throws {
        let (client, transport) = self.client(status: 204, body: "")
        #expect(try await client.startJob(type: "T", timeout: .seconds(60)) == nil)
        #expect(try await client.job(id: "missing") == nil)
        try await client.deleteJobs()
        #expect(transport.requests.last?.url == "http://jobs.example:8080/v1/jobs/delete_jobs")
        #expect(transport.requests.last.map { JSONWriter.string(try! JSONParser.parse($0.body)) } == "{}")
    }

    @Test("an error answer is a JobsError with the service's fields")
    func errorAnswer() async throws {
        let conflict = JobsError.lockTokenMismatch(jobId: "j1")
        let (client, _) = self.client(status: 409, body: JSONWriter.string(conflict.json))
        let error = await jobsError { _ = try await client.completeJob(id: "j1", lockToken: "old") }
        #expect(error == conflict)

        let (bare, _) = self.client(status: 503, body: "<html>busy</html>")
        let unknown = await jobsError { _ = try await bare.job(id: "j1") }
        #expect(unknown?.status == 503)
    }

    @Test("a 200 without a job where one is required is an error")
    func missingJob() async throws {
        let (client, _) = self.client(status: 200, body: "")
        let error = await jobsError { _ = try await client.addJob(NewJob(type: "T", refId: "r")) }
        #expect(error?.code == "INVALID_RESPONSE")
    }

    @Test("transport failures pass through unchanged")
    func transportFailure() async throws {
        let failure = TransportError(code: .connectFailed, message: "refused")
        let client = JobsClient(transport: ThrowingTransport(error: failure))
        await #expect(throws: failure) { _ = try await client.startJob(type: "T", timeout: .seconds(1)) }
    }
}
