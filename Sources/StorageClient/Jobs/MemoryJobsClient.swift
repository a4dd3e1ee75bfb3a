//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
public import StorageCore
import Synchronization

/// A Jobs service within one process, with the emulator's semantics: atomic `add_uniq_job`,
/// atomic claims with a new lock token each, token-checked extend, abort and complete, and the
/// original cleanup.
///
/// For tests, single-instance deployments, and as the reference ``JobsClient`` is checked
/// against. Every operation runs under one mutex, so each is atomic; dates are kept to the
/// millisecond, as on the wire.
///
/// Claim rules, by identifier and by type alike: a job can be claimed when it is not completed,
/// its lock is absent or has lapsed (`locked_until <= now`), it has had fewer than
/// ``maxRetries`` claims and it has not expired (`execute_until` absent or later than now). A
/// claim sets `started = now`, `locked_until = now + timeout`, adds one to `retries` and issues a
/// new `lock_token`. `timeout` must be at least a millisecond.
///
/// A `lock_token` passed to extend, abort or complete must be the job's current one; otherwise
/// they throw ``StorageCore/JobsError`` `LOCK_TOKEN_MISMATCH` (409) and change nothing. No token
/// skips the check, as in the original service.
public final class MemoryJobsClient: JobQueueing {
    private struct State {
        /// The jobs, oldest first.
        var jobs: [Job] = []
    }

    /// How many claims a job gets; after that it is no longer claimable and ``cleanUp()``
    /// deletes it. 10, as in pip-services.
    public let maxRetries: Int
    /// The clock every date comes from.
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    /// The largest page ``jobs(filter:paging:correlationId:)`` returns, as in pip-services.
    public static let maximumPageSize = 1000

    /// Creates an empty service.
    ///
    /// - Parameters:
    ///   - maxRetries: Claims by type allowed per job.
    ///   - now: The clock; the system's by default, a fake one in tests.
    public init(maxRetries: Int = 10, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maxRetries = maxRetries
        self.now = now
    }

    /// The clock's reading, to the millisecond.
    private func currentTime() -> Date {
        JobsDate.date(milliseconds: JobsDate.milliseconds(from: self.now()))
    }

    /// Adds a job and returns it as stored.
    public func addJob(_ newJob: NewJob, correlationId: String?) async throws -> Job {
        let job = self.makeJob(newJob)
        self.state.withLock { $0.jobs.append(job) }
        return job
    }

    /// Returns the first job of the same type and `ref_id`, or adds the job; in one step.
    public func addUniqueJob(_ newJob: NewJob, correlationId: String?) async throws -> Job {
        let candidate = self.makeJob(newJob)
        return self.state.withLock { state in
            if let existing = state.jobs.first(where: { $0.type == newJob.type && $0.refId == newJob.refId }) {
                return existing
            }
            state.jobs.append(candidate)
            return candidate
        }
    }

    /// Returns the page of jobs that match `filter`, oldest first.
    public func jobs(filter: JobsFilter, paging: PagingParams, correlationId: String?) async throws -> JobsPage {
        let skip = max(0, paging.skip ?? 0)
        let take = min(max(0, paging.take ?? Self.maximumPageSize), Self.maximumPageSize)
        let matching = self.state.withLock { state in state.jobs.filter { Self.matches(filter, $0) } }
        let data = Array(matching.dropFirst(skip).prefix(take))
        return JobsPage(data: data, total: paging.total ? matching.count : nil)
    }

    /// Returns the job with this identifier, or `nil`.
    public func job(id: String, correlationId: String?) async throws -> Job? {
        self.state.withLock { state in state.jobs.first { $0.id == id } }
    }

    /// Claims this job if it is claimable.
    public func startJob(id: String, timeout: Duration, correlationId: String?) async throws -> Job? {
        try Self.validate(timeout)
        let now = self.currentTime()
        return self.state.withLock { state in
            guard let index = state.jobs.firstIndex(where: { $0.id == id }),
                self.isClaimable(state.jobs[index], now: now)
            else { return nil }
            return Self.claim(&state.jobs[index], now: now, timeout: timeout)
        }
    }

    /// Claims the oldest claimable job of this type.
    public func startJob(type: String, timeout: Duration, correlationId: String?) async throws -> Job? {
        try Self.validate(timeout)
        let now = self.currentTime()
        return self.state.withLock { state in
            guard let index = state.jobs.firstIndex(where: { $0.type == type && self.isClaimable($0, now: now) })
            else { return nil }
            return Self.claim(&state.jobs[index], now: now, timeout: timeout)
        }
    }

    /// Moves the end of the job's lock to now plus `timeout`.
    ///
    /// - Throws: ``StorageCore/JobsError`` `LOCK_TOKEN_MISMATCH` when `lockToken` is given and is
    ///   not the job's current one.
    public func extendJob(id: String, lockToken: String?, timeout: Duration, correlationId: String?) async throws
        -> Job?
    {
        try Self.validate(timeout)
        let now = self.currentTime()
        return try self.update(id: id, lockToken: lockToken) { job in
            job.lockedUntil = now.addingTimeInterval(Double(timeout.jobsMilliseconds) / 1000)
        }
    }

    /// Ends the job's claim; its retries stay.
    ///
    /// - Throws: ``StorageCore/JobsError`` `LOCK_TOKEN_MISMATCH` on a stale token.
    public func abortJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job? {
        try self.update(id: id, lockToken: lockToken) { job in
            job.started = nil
            job.lockedUntil = nil
            job.lockToken = nil
        }
    }

    /// Ends the job's claim and marks it completed.
    ///
    /// - Throws: ``StorageCore/JobsError`` `LOCK_TOKEN_MISMATCH` on a stale token.
    public func completeJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job? {
        let now = self.currentTime()
        return try self.update(id: id, lockToken: lockToken) { job in
            job.started = nil
            job.lockedUntil = nil
            job.lockToken = nil
            job.completed = now
        }
    }

    /// Deletes the job and returns it.
    public func deleteJob(id: String, correlationId: String?) async throws -> Job? {
        self.state.withLock { state in
            guard let index = state.jobs.firstIndex(where: { $0.id == id }) else { return nil }
            return state.jobs.remove(at: index)
        }
    }

    /// Deletes every job.
    public func deleteJobs(correlationId: String?) async throws {
        self.state.withLock { $0.jobs.removeAll() }
    }

    /// The service's cleanup: deletes completed jobs, and — unless a claim on them is still
    /// running — expired jobs and jobs that have had ``maxRetries`` claims.
    ///
    /// - Returns: How many jobs were deleted.
    @discardableResult
    public func cleanUp() -> Int {
        let now = self.currentTime()
        return self.state.withLock { state in
            let before = state.jobs.count
            state.jobs.removeAll { job in
                let completed = job.completed.map { $0 <= now } ?? false
                let unlocked = job.lockedUntil.map { $0 <= now } ?? true
                let expired = job.executeUntil.map { $0 <= now } ?? false
                return completed || (unlocked && (expired || job.retries >= self.maxRetries))
            }
            return before - state.jobs.count
        }
    }

    // MARK: Helpers

    private func makeJob(_ newJob: NewJob) -> Job {
        let now = self.currentTime()
        return Job(
            id: Self.newIdentifier(), type: newJob.type, refId: newJob.refId, params: newJob.params, created: now,
            executeUntil: newJob.ttl > 0 ? now.addingTimeInterval(Double(newJob.ttl) / 1000) : nil)
    }

    private func update(id: String, lockToken: String?, _ change: (inout Job) -> Void) throws(JobsError) -> Job? {
        try self.state.withLock { state throws(JobsError) -> Job? in
            guard let index = state.jobs.firstIndex(where: { $0.id == id }) else { return nil }
            if let lockToken, state.jobs[index].lockToken != lockToken {
                throw JobsError.lockTokenMismatch(jobId: id)
            }
            change(&state.jobs[index])
            return state.jobs[index]
        }
    }

    private func isClaimable(_ job: Job, now: Date) -> Bool {
        job.completed == nil && (job.lockedUntil.map { $0 <= now } ?? true) && job.retries < self.maxRetries
            && (job.executeUntil.map { $0 > now } ?? true)
    }

    /// Refuses a timeout the service would refuse: less than a millisecond.
    private static func validate(_ timeout: Duration) throws(JobsError) {
        guard timeout.jobsMilliseconds > 0 else {
            throw JobsError.invalidData("timeout must be a positive number of milliseconds")
        }
    }

    private static func claim(_ job: inout Job, now: Date, timeout: Duration) -> Job {
        job.started = now
        job.lockedUntil = now.addingTimeInterval(Double(timeout.jobsMilliseconds) / 1000)
        job.retries += 1
        job.lockToken = Self.newIdentifier()
        return job
    }

    /// 32 lowercase hexadecimal digits, like the service's identifiers and tokens.
    private static func newIdentifier() -> String {
        UUID().uuidString.lowercased().filter { $0 != "-" }
    }
}
