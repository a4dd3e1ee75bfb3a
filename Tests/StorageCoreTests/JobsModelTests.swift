//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@Suite("Jobs model and its JSON codec")
struct JobsModelTests {
    private static func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test("dates are ISO 8601 with milliseconds and round-trip")
    func dates() throws {
        let date = try #require(JobsDate.date(from: "2026-12-04T17:00:38.123Z"))
        #expect(JobsDate.string(from: date) == "2026-12-04T17:00:38.123Z")
        #expect(JobsDate.milliseconds(from: date) == 1_796_403_638_123)
        #expect(JobsDate.date(milliseconds: 1_796_403_638_123) == date)
        #expect(JobsDate.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(JobsDate.date(from: "2026-12-04T17:00:38Z") != nil)
        #expect(JobsDate.date(from: "2026-12-04 17:00:38Z") == nil)
        #expect(JobsDate.date(from: "yesterday") == nil)
    }

    @Test("a job encodes with the original field names and decodes back")
    func jobRoundTrip() throws {
        let created = JobsDate.date(milliseconds: 1_796_403_638_123)
        let job = Job(
            id: "0123456789abcdef0123456789abcdef", type: "Analysis", refId: "file-1",
            params: .object([JSONMember("size", .number(5))]), created: created,
            started: created.addingTimeInterval(1), lockedUntil: created.addingTimeInterval(61),
            executeUntil: created.addingTimeInterval(3600), completed: nil, retries: 2, lockToken: "token")
        let text = JSONWriter.string(job.json)
        #expect(
            text
                == #"{"id":"0123456789abcdef0123456789abcdef","type":"Analysis","ref_id":"file-1","#
                + #""params":{"size":5},"created":"2026-12-04T17:00:38.123Z","started":"2026-12-04T17:00:39.123Z","#
                + #""locked_until":"2026-12-04T17:01:39.123Z","execute_until":"2026-12-04T18:00:38.123Z","#
                + #""completed":null,"retries":2,"lock_token":"token"}"#)
        #expect(try Job(json: Self.parse(text)) == job)
    }

    @Test("a job from an original service, without lock_token and with missing fields, decodes")
    func jobFromOriginal() throws {
        let job = try Job(json: Self.parse(#"{"id":"1","type":"t","created":"2020-01-01T00:00:00.000Z"}"#))
        #expect(job.refId == "")
        #expect(job.retries == 0)
        #expect(job.lockToken == nil)
        #expect(job.params == nil)
        #expect(throws: JobsError.self) { try Job(json: Self.parse(#"{"id":"1","type":"t"}"#)) }
        #expect(throws: JobsError.self) {
            try Job(json: Self.parse(#"{"id":"1","type":"t","created":"2020-01-01T00:00:00.000Z","retries":"x"}"#))
        }
    }

    @Test("a new job requires type, ref_id and an integer ttl")
    func newJob() throws {
        let newJob = NewJob(type: "t", refId: "r", ttl: 60_000, params: .array([.bool(true)]))
        #expect(JSONWriter.string(newJob.json) == #"{"type":"t","ref_id":"r","ttl":60000,"params":[true]}"#)
        #expect(try NewJob(json: newJob.json) == newJob)
        #expect(try NewJob(json: Self.parse(#"{"type":"t","ref_id":"r","ttl":6e4}"#)).ttl == 60_000)
        for invalid in [
            #"{"ref_id":"r","ttl":1}"#, #"{"type":"t","ttl":1}"#, #"{"type":"t","ref_id":"r"}"#,
            #"{"type":"t","ref_id":"r","ttl":1.5}"#, #"{"type":"t","ref_id":"r","ttl":"1"}"#,
            #"{"type":5,"ref_id":"r","ttl":1}"#, "[]",
        ] {
            let error = try #require(throws: JobsError.self) { try NewJob(json: Self.parse(invalid)) }
            #expect(error.status == 400)
            #expect(error.code == JobsError.invalidDataCode)
            #expect(error.category == "BadRequest")
        }
    }

    @Test("every filter key round-trips; numbers may be strings; bad dates are refused")
    func filter() throws {
        var filter = JobsFilter()
        #expect(filter.isEmpty)
        let date = JobsDate.date(milliseconds: 1_000)
        filter.id = "i"
        filter.type = "t"
        filter.refId = "r"
        filter.created = date
        filter.createdFrom = date
        filter.createdTo = date
        filter.started = date
        filter.startedFrom = date
        filter.startedTo = date
        filter.lockedUntil = date
        filter.lockedFrom = date
        filter.lockedTo = date
        filter.executeUntil = date
        filter.executeFrom = date
        filter.executeTo = date
        filter.completed = date
        filter.completedFrom = date
        filter.completedTo = date
        filter.retries = 3
        filter.minRetries = 2
        let members = try #require(filter.json.objectMembers)
        #expect(members.count == 20)
        #expect(filter.json["ref_id"] == .string("r"))
        #expect(filter.json["locked_from"] == .string("1970-01-01T00:00:01.000Z"))
        #expect(filter.json["min_retries"] == .number("2"))
        #expect(try JobsFilter(json: filter.json) == filter)
        let fromText = try JobsFilter(json: Self.parse(#"{"retries":"4","unknown":1}"#))
        #expect(fromText.retries == 4)
        #expect(throws: JobsError.self) { try JobsFilter(json: Self.parse(#"{"created_from":"soon"}"#)) }
        #expect(throws: JobsError.self) { try JobsFilter(json: Self.parse(#"{"type":1}"#)) }
    }

    @Test("paging and pages use pip-services' shapes")
    func paging() throws {
        let paging = PagingParams(skip: 10, take: 5, total: true)
        #expect(JSONWriter.string(paging.json) == #"{"skip":10,"take":5,"total":true}"#)
        #expect(try PagingParams(json: paging.json) == paging)
        #expect(
            try PagingParams(json: Self.parse(#"{"skip":"2","total":"true"}"#)) == PagingParams(skip: 2, total: true))
        #expect(throws: JobsError.self) { try PagingParams(json: Self.parse(#"{"take":-1}"#)) }
        let job = Job(id: "1", type: "t", refId: "r", created: JobsDate.date(milliseconds: 0))
        let page = JobsPage(data: [job], total: 7)
        #expect(JSONWriter.string(JobsPage(data: []).json) == #"{"data":[]}"#)
        #expect(try JobsPage(json: page.json) == page)
    }

    @Test("errors carry the pip-services error description and their status")
    func errors() throws {
        var conflict = JobsError.lockTokenMismatch(jobId: "j")
        conflict.correlationId = "c1"
        #expect(conflict.status == 409)
        #expect(conflict.category == "Conflict")
        let json = conflict.json
        #expect(json["type"] == .string("ConflictException"))
        #expect(json["code"] == .string(JobsError.lockTokenMismatchCode))
        #expect(json["status"] == .number("409"))
        #expect(json["correlation_id"] == .string("c1"))
        #expect(JobsError(json: json, status: 500) == conflict)
        #expect(JobsError.invalidData("x").status == 400)
        #expect(JobsError.notFound("x").status == 404)
        #expect(JobsError.internalError("x").status == 500)
        let fallback = JobsError(json: .null, status: 502)
        #expect(fallback.status == 502)
        #expect(fallback.category == "Unknown")
    }

    @Test("command names are the original ones")
    func commands() {
        #expect(JobsCommand.allCases.count == 11)
        #expect(JobsCommand.addUniqueJob.rawValue == "add_uniq_job")
        #expect(JobsCommand(rawValue: "start_job_by_type") == .startJobByType)
    }
}
