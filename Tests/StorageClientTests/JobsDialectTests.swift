//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

@Suite("Jobs dialect", .timeLimit(.minutes(2)))
struct JobsDialectTests {
    @Test("add_job stores the job; get_job_by_id returns it, or nothing", arguments: JobsBackend.allCases)
    func addAndRead(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let params = JSONValue.object([JSONMember("file", .string("a.csv")), JSONMember("size", .number(12))])
        let before = Date().addingTimeInterval(-5)
        let job = try await jobs.addJob(NewJob(type: "Analysis", refId: "r1", params: params))
        #expect(job.id.count == 32 && job.id.allSatisfy(\.isHexDigit))
        #expect(job.type == "Analysis" && job.refId == "r1" && job.params == params)
        #expect(job.retries == 0 && job.started == nil && job.lockedUntil == nil && job.completed == nil)
        #expect(job.executeUntil == nil && job.lockToken == nil)
        #expect(job.created > before && job.created < Date().addingTimeInterval(5))
        #expect(try await jobs.job(id: job.id) == job)
        #expect(try await jobs.job(id: "0123456789abcdef0123456789abcdef") == nil)

        let expiring = try await jobs.addJob(NewJob(type: "Analysis", refId: "r2", ttl: 60_000), correlationId: "c1")
        let executeUntil = try #require(expiring.executeUntil)
        #expect(abs(executeUntil.timeIntervalSince(expiring.created) - 60) < 0.01)
    }

    @Test("add_uniq_job returns the existing job of the same type and reference", arguments: JobsBackend.allCases)
    func addUnique(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let first = try await jobs.addUniqueJob(NewJob(type: "T", refId: "same"))
        let second = try await jobs.addUniqueJob(NewJob(type: "T", refId: "same", params: .string("ignored")))
        let otherReference = try await jobs.addUniqueJob(NewJob(type: "T", refId: "other"))
        let otherType = try await jobs.addUniqueJob(NewJob(type: "U", refId: "same"))
        #expect(second == first)
        #expect(otherReference.id != first.id && otherType.id != first.id)

        // Completed jobs still count, until cleaned up.
        let claimed = try #require(try await jobs.startJob(id: first.id, timeout: .seconds(30)))
        _ = try await jobs.completeJob(id: first.id, lockToken: claimed.lockToken)
        #expect(try await jobs.addUniqueJob(NewJob(type: "T", refId: "same")).id == first.id)
    }

    @Test("add_uniq_job is atomic: 16 concurrent adds make one job", arguments: JobsBackend.allCases)
    func addUniqueConcurrently(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let identifiers = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<16 {
                group.addTask { try await jobs.addUniqueJob(NewJob(type: "Race", refId: "once")).id }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(identifiers.count == 1)
        var byType = JobsFilter()
        byType.type = "Race"
        #expect(try await jobs.jobs(filter: byType).data.count == 1)
    }

    @Test("get_jobs filters and pages, oldest first", arguments: JobsBackend.allCases)
    func filterAndPage(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        var added: [Job] = []
        for index in 0..<5 {
            added.append(try await jobs.addJob(NewJob(type: index < 3 ? "A" : "B", refId: "r\(index)")))
        }
        #expect(try await jobs.jobs().data.map(\.id) == added.map(\.id))

        var byType = JobsFilter()
        byType.type = "A"
        #expect(try await jobs.jobs(filter: byType).data.map(\.id) == added[0..<3].map(\.id))

        var byReference = JobsFilter()
        byReference.refId = "r4"
        #expect(try await jobs.jobs(filter: byReference).data.map(\.id) == [added[4].id])

        var byIdentifier = JobsFilter()
        byIdentifier.id = added[1].id
        #expect(try await jobs.jobs(filter: byIdentifier).data.map(\.id) == [added[1].id])

        let page = try await jobs.jobs(filter: JobsFilter(), paging: PagingParams(skip: 1, take: 2, total: true))
        #expect(page.data.map(\.id) == added[1..<3].map(\.id))
        #expect(page.total == 5)
        #expect(try await jobs.jobs(filter: JobsFilter(), paging: PagingParams(take: 2)).total == nil)

        _ = try await jobs.startJob(id: added[2].id, timeout: .seconds(30))
        var claimedOnce = JobsFilter()
        claimedOnce.retries = 1
        #expect(try await jobs.jobs(filter: claimedOnce).data.map(\.id) == [added[2].id])
        var moreThanNone = JobsFilter()
        moreThanNone.minRetries = 0
        #expect(try await jobs.jobs(filter: moreThanNone).data.map(\.id) == [added[2].id])
        var startedRange = JobsFilter()
        startedRange.startedFrom = Date().addingTimeInterval(-60)
        startedRange.startedTo = Date().addingTimeInterval(60)
        #expect(try await jobs.jobs(filter: startedRange).data.map(\.id) == [added[2].id])
        var createdBefore = JobsFilter()
        createdBefore.createdTo = Date().addingTimeInterval(-60)
        #expect(try await jobs.jobs(filter: createdBefore).data.isEmpty)
    }

    @Test("start_job_by_id claims a free job once, with a token, and counts the claim", arguments: JobsBackend.allCases)
    func startById(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let claimed = try #require(try await jobs.startJob(id: job.id, timeout: .seconds(30), correlationId: "c"))
        #expect(claimed.retries == 1 && claimed.started != nil)
        let token = try #require(claimed.lockToken)
        #expect(token.count == 32)
        let lockedUntil = try #require(claimed.lockedUntil)
        #expect(abs(lockedUntil.timeIntervalSince(try #require(claimed.started)) - 30) < 0.01)
        #expect(try await jobs.startJob(id: job.id, timeout: .seconds(30)) == nil)
        #expect(try await jobs.startJob(id: "0123456789abcdef0123456789abcdef", timeout: .seconds(30)) == nil)
        #expect(try await jobs.job(id: job.id) == claimed)
    }

    @Test(
        "start_job_by_type claims the oldest free job, and nothing when none is free", arguments: JobsBackend.allCases)
    func startByType(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30)) == nil)
        let first = try await jobs.addJob(NewJob(type: "T", refId: "1"))
        let second = try await jobs.addJob(NewJob(type: "T", refId: "2"))
        _ = try await jobs.addJob(NewJob(type: "Other", refId: "3"))
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30))?.id == first.id)
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30))?.id == second.id)
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30)) == nil)
    }

    @Test("extend_job moves the lock with the current token and refuses a stale one", arguments: JobsBackend.allCases)
    func extend(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let claimed = try #require(try await jobs.startJob(id: job.id, timeout: .seconds(1)))
        let extended = try #require(
            try await jobs.extendJob(id: job.id, lockToken: claimed.lockToken, timeout: .seconds(120)))
        let lockedUntil = try #require(extended.lockedUntil)
        #expect(lockedUntil > Date().addingTimeInterval(100))
        #expect(extended.lockToken == claimed.lockToken && extended.retries == 1)

        let error = await jobsError {
            _ = try await jobs.extendJob(id: job.id, lockToken: "stale", timeout: .seconds(120))
        }
        #expect(error?.code == JobsError.lockTokenMismatchCode && error?.status == 409)
        #expect(
            try await jobs.extendJob(id: "0123456789abcdef0123456789abcdef", lockToken: "x", timeout: .seconds(1))
                == nil)
    }

    @Test("abort_job frees the job for another claim, keeping its retries", arguments: JobsBackend.allCases)
    func abort(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let first = try #require(try await jobs.startJob(type: "T", timeout: .seconds(30)))
        let stale = await jobsError { _ = try await jobs.abortJob(id: job.id, lockToken: "stale") }
        #expect(stale?.code == JobsError.lockTokenMismatchCode)

        let aborted = try #require(try await jobs.abortJob(id: job.id, lockToken: first.lockToken))
        #expect(aborted.started == nil && aborted.lockedUntil == nil && aborted.lockToken == nil)
        #expect(aborted.retries == 1 && aborted.completed == nil)
        let second = try #require(try await jobs.startJob(type: "T", timeout: .seconds(30)))
        #expect(second.id == job.id && second.retries == 2 && second.lockToken != first.lockToken)
        // The first claim's token no longer works.
        let late = await jobsError { _ = try await jobs.completeJob(id: job.id, lockToken: first.lockToken) }
        #expect(late?.code == JobsError.lockTokenMismatchCode && late?.status == 409)
    }

    @Test("complete_job finishes the job with the current token only", arguments: JobsBackend.allCases)
    func complete(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let claimed = try #require(try await jobs.startJob(type: "T", timeout: .seconds(30)))
        let stale = await jobsError { _ = try await jobs.completeJob(id: job.id, lockToken: "stale") }
        #expect(stale?.code == JobsError.lockTokenMismatchCode)
        #expect(try await jobs.job(id: job.id)?.completed == nil)

        let completed = try #require(try await jobs.completeJob(id: job.id, lockToken: claimed.lockToken))
        #expect(completed.completed != nil && completed.lockedUntil == nil && completed.lockToken == nil)
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30)) == nil)
        #expect(try await jobs.startJob(id: job.id, timeout: .seconds(30)) == nil)
        // A second completion with the same token is refused: the claim has ended.
        let again = await jobsError { _ = try await jobs.completeJob(id: job.id, lockToken: claimed.lockToken) }
        #expect(again?.code == JobsError.lockTokenMismatchCode)
        #expect(try await jobs.completeJob(id: "0123456789abcdef0123456789abcdef", lockToken: nil) == nil)
    }

    @Test("a lapsed lock makes the job claimable again, with retries counted", arguments: JobsBackend.allCases)
    func lapsedLock(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let first = try #require(try await jobs.startJob(type: "T", timeout: .milliseconds(300)))
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30)) == nil)
        try await Task.sleep(for: .seconds(1))
        let second = try #require(try await jobs.startJob(type: "T", timeout: .seconds(30)))
        #expect(second.id == job.id && second.retries == 2 && second.lockToken != first.lockToken)
        let late = await jobsError { _ = try await jobs.completeJob(id: job.id, lockToken: first.lockToken) }
        #expect(late?.code == JobsError.lockTokenMismatchCode)
        #expect(try await jobs.completeJob(id: job.id, lockToken: second.lockToken)?.completed != nil)
    }

    @Test("20 workers racing for 5 jobs claim each exactly once", arguments: JobsBackend.allCases)
    func claimRace(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        var identifiers: Set<String> = []
        for index in 0..<5 {
            identifiers.insert(try await jobs.addJob(NewJob(type: "Race", refId: "r\(index)")).id)
        }
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<20 {
                group.addTask {
                    var mine: [String] = []
                    while let job = try await jobs.startJob(type: "Race", timeout: .seconds(60)) {
                        mine.append(job.id)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claims.count == 5)
        #expect(Set(claims) == identifiers)
        #expect(try await jobs.jobs().data.allSatisfy { $0.retries == 1 })
    }

    @Test("a job is claimable only while it has had fewer than the maximum claims", arguments: JobsBackend.allCases)
    func maximumRetries(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend, maxRetries: 2)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let job = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        for _ in 0..<2 {
            let claimed = try #require(try await jobs.startJob(type: "T", timeout: .seconds(30)))
            _ = try await jobs.abortJob(id: job.id, lockToken: claimed.lockToken)
        }
        #expect(try await jobs.startJob(type: "T", timeout: .seconds(30)) == nil)
        #expect(try await jobs.startJob(id: job.id, timeout: .seconds(30)) == nil)
    }

    @Test("a timeout below a millisecond is refused", arguments: JobsBackend.allCases)
    func invalidTimeout(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        _ = try await jobs.addJob(NewJob(type: "T", refId: "r"))
        let error = await jobsError { _ = try await jobs.startJob(type: "T", timeout: .zero) }
        #expect(error?.code == JobsError.invalidDataCode && error?.status == 400)
    }

    @Test(
        "cleanup deletes completed, expired and exhausted jobs, never a running claim", arguments: JobsBackend.allCases)
    func cleanup(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend, maxRetries: 1, cleansItself: true)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let done = try await jobs.addJob(NewJob(type: "Done", refId: "r"))
        let doneClaim = try #require(try await jobs.startJob(type: "Done", timeout: .seconds(30)))
        _ = try await jobs.completeJob(id: done.id, lockToken: doneClaim.lockToken)
        let expired = try await jobs.addJob(NewJob(type: "Expired", refId: "r", ttl: 1))
        let running = try await jobs.addJob(NewJob(type: "Running", refId: "r"))
        _ = try #require(try await jobs.startJob(type: "Running", timeout: .seconds(60)))
        let exhausted = try await jobs.addJob(NewJob(type: "Exhausted", refId: "r"))
        let exhaustedClaim = try #require(try await jobs.startJob(type: "Exhausted", timeout: .seconds(60)))
        _ = try await jobs.abortJob(id: exhausted.id, lockToken: exhaustedClaim.lockToken)
        let waiting = try await jobs.addJob(NewJob(type: "Waiting", refId: "r"))
        try await Task.sleep(for: .milliseconds(50))

        try await environment.cleanUp()
        let remaining = Set(try await jobs.jobs().data.map(\.id))
        #expect(remaining == [running.id, waiting.id])
        #expect(!remaining.contains(expired.id))
        #expect(try await jobs.addUniqueJob(NewJob(type: "Done", refId: "r")).id != done.id)
    }

    @Test("delete_job_by_id and delete_jobs", arguments: JobsBackend.allCases)
    func delete(backend: JobsBackend) async throws {
        let environment = try JobsEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = environment.jobs
        let first = try await jobs.addJob(NewJob(type: "T", refId: "1"))
        _ = try await jobs.addJob(NewJob(type: "T", refId: "2"))
        #expect(try await jobs.deleteJob(id: first.id)?.id == first.id)
        #expect(try await jobs.deleteJob(id: first.id) == nil)
        #expect(try await jobs.jobs().data.count == 1)
        try await jobs.deleteJobs(correlationId: "c")
        #expect(try await jobs.jobs().data.isEmpty)
    }

    @Test("jobs and claims survive an emulator restart")
    func durability() async throws {
        let location = FileManager.default.temporaryDirectory.appendingPathComponent("baton-jobs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: location) }
        let first = try JobsEnvironment.startEmulator(location: location)
        let jobs = JobsEnvironment.client(of: first)
        let waiting = try await jobs.addJob(NewJob(type: "T", refId: "waiting", ttl: 3_600_000))
        let running = try await jobs.addJob(NewJob(type: "T", refId: "running"))
        let claim = try #require(try await jobs.startJob(id: running.id, timeout: .seconds(120)))
        first.shutdown()

        let second = try JobsEnvironment.startEmulator(location: location)
        defer { second.shutdown() }
        let restarted = JobsEnvironment.client(of: second)
        #expect(try await restarted.job(id: waiting.id) == waiting)
        #expect(try await restarted.job(id: running.id) == claim)
        // The claim still holds: nothing else is claimable but the waiting job, and the old
        // token still completes the running one.
        #expect(try await restarted.startJob(type: "T", timeout: .seconds(60))?.id == waiting.id)
        #expect(try await restarted.startJob(type: "T", timeout: .seconds(60)) == nil)
        #expect(try await restarted.completeJob(id: running.id, lockToken: claim.lockToken)?.completed != nil)
        #expect(try await restarted.addUniqueJob(NewJob(type: "T", refId: "running")).id == running.id)
    }
}
