//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Emulator
import Foundation
import StorageCore
import Synchronization
import Testing

/// A clock that tests move forward by hand.
final class JobsManualClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))

    /// The current time.
    func now() -> Date {
        self.current.withLock { $0 }
    }

    /// Moves the time forward by `milliseconds`.
    func advance(milliseconds: Int) {
        self.current.withLock { $0 = $0.addingTimeInterval(Double(milliseconds) / 1000) }
    }
}

@Suite("Jobs store")
struct JobsStoreTests {
    private static func store(maximumRetries: Int = 10, clock: JobsManualClock = JobsManualClock()) throws -> JobsStore
    {
        try JobsStore(location: .inMemory, maximumRetries: maximumRetries, clock: { clock.now() })
    }

    @Test("add_job stamps created and execute_until from the server clock")
    func addJob() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        let job = try store.addJob(NewJob(type: "t", refId: "r", ttl: 5000, params: .string("p")))
        #expect(job.id.count == 32)
        #expect(job.created == clock.now())
        #expect(job.executeUntil == clock.now().addingTimeInterval(5))
        #expect(job.retries == 0)
        #expect(try store.job(id: job.id) == job)
        let forever = try store.addJob(NewJob(type: "t", refId: "r", ttl: 0))
        #expect(forever.executeUntil == nil)
        #expect(forever.id != job.id)
        #expect(try store.job(id: "missing") == nil)
    }

    @Test("add_uniq_job returns the existing job of the same type and reference")
    func addUniqueJob() throws {
        let store = try Self.store()
        let first = try store.addUniqueJob(NewJob(type: "t", refId: "r"))
        #expect(try store.addUniqueJob(NewJob(type: "t", refId: "r", ttl: 99)) == first)
        #expect(try store.addUniqueJob(NewJob(type: "t", refId: "other")) != first)
        #expect(try store.addUniqueJob(NewJob(type: "u", refId: "r")) != first)
        #expect(try store.jobs(filter: JobsFilter(), paging: PagingParams()).data.count == 3)
    }

    @Test("add_uniq_job is atomic: many threads at once add one job")
    func addUniqueJobConcurrently() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try JobsStore(location: .directory(directory.url))
        defer { store.close() }
        let identifiers = Mutex(Set<String>())
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            if let job = try? store.addUniqueJob(NewJob(type: "t", refId: "same")) {
                identifiers.withLock { _ = $0.insert(job.id) }
            }
        }
        #expect(identifiers.withLock { $0.count } == 1)
        #expect(try store.jobs(filter: JobsFilter(), paging: PagingParams(total: true)).total == 1)
    }

    @Test("start_job_by_type claims the oldest free job, once, and nothing when none is free")
    func startByType() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        let first = try store.addJob(NewJob(type: "t", refId: "1"))
        let second = try store.addJob(NewJob(type: "t", refId: "2"))
        _ = try store.addJob(NewJob(type: "other", refId: "3"))
        let claimed = try #require(try store.startJob(type: "t", timeout: 1000))
        #expect(claimed.id == first.id)
        #expect(claimed.started == clock.now())
        #expect(claimed.lockedUntil == clock.now().addingTimeInterval(1))
        #expect(claimed.retries == 1)
        #expect(claimed.lockToken != nil)
        #expect(try store.startJob(type: "t", timeout: 1000)?.id == second.id)
        #expect(try store.startJob(type: "t", timeout: 1000) == nil)
        #expect(try store.startJob(type: "nothing", timeout: 1000) == nil)
    }

    @Test("a lapsed lock makes the job claimable again, with retries incremented and a new token")
    func lapsedLock() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        let job = try store.addJob(NewJob(type: "t", refId: "r"))
        let first = try #require(try store.startJob(id: job.id, timeout: 1000))
        clock.advance(milliseconds: 999)
        #expect(try store.startJob(type: "t", timeout: 1000) == nil)
        #expect(try store.startJob(id: job.id, timeout: 1000) == nil)
        clock.advance(milliseconds: 1)
        let second = try #require(try store.startJob(type: "t", timeout: 1000))
        #expect(second.retries == 2)
        #expect(second.lockToken != first.lockToken)
        // The first worker's token is stale now.
        #expect(try store.completeJob(id: job.id, lockToken: first.lockToken) == .staleLockToken)
        #expect(try store.extendJob(id: job.id, timeout: 1, lockToken: first.lockToken) == .staleLockToken)
        #expect(try store.abortJob(id: job.id, lockToken: first.lockToken) == .staleLockToken)
        #expect(try store.job(id: job.id) == second)
    }

    @Test("max_retries stops claims, by type and by identifier")
    func maximumRetries() throws {
        let clock = JobsManualClock()
        let store = try Self.store(maximumRetries: 2, clock: clock)
        let job = try store.addJob(NewJob(type: "t", refId: "r"))
        for attempt in 1...2 {
            #expect(try store.startJob(type: "t", timeout: 10)?.retries == attempt)
            clock.advance(milliseconds: 10)
        }
        #expect(try store.startJob(type: "t", timeout: 10) == nil)
        #expect(try store.startJob(id: job.id, timeout: 10) == nil)
    }

    @Test("an expired job is not claimed")
    func expiredJob() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        _ = try store.addJob(NewJob(type: "t", refId: "r", ttl: 100))
        clock.advance(milliseconds: 100)
        #expect(try store.startJob(type: "t", timeout: 10) == nil)
    }

    @Test("extend, abort and complete with the current token, without one, and on a missing job")
    func claimChanges() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        let job = try store.addJob(NewJob(type: "t", refId: "r"))
        let claimed = try #require(try store.startJob(type: "t", timeout: 1000))
        clock.advance(milliseconds: 500)
        guard case .updated(let extended) = try store.extendJob(id: job.id, timeout: 2000, lockToken: claimed.lockToken)
        else {
            Issue.record("extend failed")
            return
        }
        #expect(extended.lockedUntil == clock.now().addingTimeInterval(2))
        #expect(extended.lockToken == claimed.lockToken)
        guard case .updated(let aborted) = try store.abortJob(id: job.id, lockToken: claimed.lockToken) else {
            Issue.record("abort failed")
            return
        }
        #expect(aborted.started == nil && aborted.lockedUntil == nil && aborted.lockToken == nil)
        #expect(aborted.retries == 1)
        let again = try #require(try store.startJob(type: "t", timeout: 1000))
        #expect(again.retries == 2)
        // Without a token the original's unconditional behaviour remains.
        guard case .updated(let completed) = try store.completeJob(id: job.id, lockToken: nil) else {
            Issue.record("complete failed")
            return
        }
        #expect(completed.completed == clock.now())
        #expect(completed.lockedUntil == nil && completed.lockToken == nil)
        #expect(try store.startJob(id: job.id, timeout: 1000) == nil)
        // A completed job has no claim, so any token is stale.
        #expect(try store.abortJob(id: job.id, lockToken: again.lockToken) == .staleLockToken)
        #expect(try store.completeJob(id: "missing", lockToken: "x") == .missing)
        #expect(try store.extendJob(id: "missing", timeout: 1, lockToken: nil) == .missing)
    }

    @Test("get_jobs applies every filter key and pages")
    func filterAndPaging() throws {
        let clock = JobsManualClock()
        let store = try Self.store(clock: clock)
        var jobs: [Job] = []
        for index in 0..<5 {
            jobs.append(try store.addJob(NewJob(type: index < 3 ? "a" : "b", refId: "r\(index)", ttl: 1000 * index)))
            clock.advance(milliseconds: 10)
        }
        let started = try #require(try store.startJob(type: "b", timeout: 100))
        _ = try store.completeJob(id: jobs[0].id, lockToken: nil)
        func ids(_ configure: (inout JobsFilter) -> Void) throws -> [String] {
            var filter = JobsFilter()
            configure(&filter)
            return try store.jobs(filter: filter, paging: PagingParams()).data.map(\.id)
        }
        let all = jobs.map(\.id)
        #expect(try ids { _ in } == all)
        #expect(try ids { $0.id = all[1] } == [all[1]])
        #expect(try ids { $0.type = "b" } == [all[3], all[4]])
        #expect(try ids { $0.refId = "r2" } == [all[2]])
        #expect(try ids { $0.created = jobs[2].created } == [all[2]])
        #expect(try ids { $0.createdFrom = jobs[2].created } == [all[2], all[3], all[4]])
        #expect(try ids { $0.createdTo = jobs[2].created } == [all[0], all[1]])
        #expect(try ids { $0.started = started.started } == [all[3]])
        #expect(try ids { $0.startedFrom = started.started } == [all[3]])
        #expect(try ids { $0.startedTo = started.started } == [])
        #expect(try ids { $0.lockedUntil = started.lockedUntil } == [all[3]])
        #expect(try ids { $0.lockedFrom = started.lockedUntil } == [all[3]])
        #expect(try ids { $0.lockedTo = started.lockedUntil } == [])
        #expect(try ids { $0.executeUntil = jobs[1].executeUntil } == [all[1]])
        #expect(try ids { $0.executeFrom = jobs[2].executeUntil } == [all[2], all[3], all[4]])
        #expect(try ids { $0.executeTo = jobs[2].executeUntil } == [all[1]])
        #expect(try ids { $0.completed = clock.now() } == [all[0]])
        #expect(try ids { $0.completedFrom = clock.now() } == [all[0]])
        #expect(try ids { $0.completedTo = clock.now() } == [])
        #expect(try ids { $0.retries = 1 } == [all[3]])
        #expect(try ids { $0.minRetries = 0 } == [all[3]])
        #expect(
            try ids {
                $0.type = "a"
                $0.refId = "r1"
            } == [all[1]])
        let page = try store.jobs(filter: JobsFilter(), paging: PagingParams(skip: 1, take: 2, total: true))
        #expect(page.data.map(\.id) == [all[1], all[2]])
        #expect(page.total == 5)
        #expect(try store.jobs(filter: JobsFilter(), paging: PagingParams(take: 5000)).data.count == 5)
        #expect(try store.jobs(filter: JobsFilter(), paging: PagingParams()).total == nil)
    }

    @Test("delete_job_by_id and delete_jobs")
    func delete() throws {
        let store = try Self.store()
        let job = try store.addJob(NewJob(type: "t", refId: "r"))
        _ = try store.addJob(NewJob(type: "t", refId: "s"))
        #expect(try store.deleteJob(id: job.id) == job)
        #expect(try store.deleteJob(id: job.id) == nil)
        #expect(try store.deleteAllJobs() == 1)
        #expect(try store.jobs(filter: JobsFilter(), paging: PagingParams(total: true)).total == 0)
    }

    @Test("cleanup deletes completed, expired and exhausted jobs, but not running ones")
    func cleanup() throws {
        let clock = JobsManualClock()
        let store = try Self.store(maximumRetries: 1, clock: clock)
        let completed = try store.addJob(NewJob(type: "c", refId: "r"))
        _ = try store.completeJob(id: completed.id, lockToken: nil)
        let expired = try store.addJob(NewJob(type: "e", refId: "r", ttl: 10))
        let exhausted = try store.addJob(NewJob(type: "x", refId: "r"))
        _ = try store.startJob(id: exhausted.id, timeout: 50)
        let waiting = try store.addJob(NewJob(type: "w", refId: "r", ttl: 1_000_000))
        clock.advance(milliseconds: 20)
        #expect(try store.clean() == 2)
        #expect(try store.job(id: completed.id) == nil)
        #expect(try store.job(id: expired.id) == nil)
        // Its one claim is still running.
        #expect(try store.job(id: exhausted.id) != nil)
        clock.advance(milliseconds: 50)
        #expect(try store.clean() == 1)
        #expect(try store.job(id: exhausted.id) == nil)
        #expect(try store.job(id: waiting.id) != nil)
    }

    @Test("jobs survive closing and reopening the store on the same directory")
    func persistence() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var store = try JobsStore(location: .directory(directory.url))
        let job = try store.addJob(NewJob(type: "t", refId: "r", params: .array([.number(1)])))
        let claimed = try #require(try store.startJob(type: "t", timeout: 60_000))
        store.close()
        #expect(FileManager.default.fileExists(atPath: directory.path(JobsStore.databaseFileName)))
        store = try JobsStore(location: .directory(directory.url))
        defer { store.close() }
        #expect(try store.job(id: job.id) == claimed)
        #expect(try store.startJob(type: "t", timeout: 60_000) == nil)
    }

    @Test("concurrent claims from many threads, over two connections to one file, hand each job to one worker")
    func concurrentClaims() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Two stores stand for two emulator processes sharing the file: only SQLite's write lock
        // keeps their claims apart.
        let stores = [
            try JobsStore(location: .directory(directory.url)), try JobsStore(location: .directory(directory.url)),
        ]
        defer {
            for store in stores {
                store.close()
            }
        }
        for index in 0..<5 {
            _ = try stores[0].addJob(NewJob(type: "t", refId: "\(index)"))
        }
        let claimed = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 20) { worker in
            if let job = try? stores[worker % 2].startJob(type: "t", timeout: 60_000) {
                claimed.withLock { $0.append(job.id) }
            }
        }
        let identifiers = claimed.withLock { $0 }
        #expect(identifiers.count == 5)
        #expect(Set(identifiers).count == 5)
    }

    @Test("a closed store throws")
    func closed() throws {
        let store = try Self.store()
        store.close()
        #expect(throws: SQLiteError.self) { try store.addJob(NewJob(type: "t", refId: "r")) }
    }
}
