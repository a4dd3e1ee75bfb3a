//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// The commands of a pip-services Jobs service: add jobs, claim them, and finish them.
///
/// Implemented by ``JobsClient`` (over HTTP, against pip-services Jobs or the emulator's Jobs
/// port) and ``MemoryJobsClient`` (in process, same semantics). The convenience overloads
/// without `correlationId` come from an extension.
///
/// **Claims.** ``startJob(type:timeout:correlationId:)`` and ``startJob(id:timeout:correlationId:)``
/// are atomic: of several callers racing for a job, one gets it and the others get `nil`. Each
/// claim adds one to ``StorageCore/Job/retries`` and carries a new
/// ``StorageCore/Job/lockToken``; pass it to ``extendJob(id:lockToken:timeout:correlationId:)``,
/// ``abortJob(id:lockToken:correlationId:)`` and ``completeJob(id:lockToken:correlationId:)``,
/// which then throw ``StorageCore/JobsError`` with code
/// ``StorageCore/JobsError/lockTokenMismatchCode`` (409) when the claim is no longer current. A
/// `nil` token skips the check, as the original service did.
public protocol JobQueueing: Sendable {
    /// Adds a job and returns it as stored.
    func addJob(_ newJob: NewJob, correlationId: String?) async throws -> Job

    /// Returns the job with the same type and `ref_id` if there is one — completed jobs
    /// included, until they are cleaned up — and otherwise adds the job. Atomic.
    func addUniqueJob(_ newJob: NewJob, correlationId: String?) async throws -> Job

    /// Returns the page of jobs that match `filter`, oldest first.
    func jobs(filter: JobsFilter, paging: PagingParams, correlationId: String?) async throws -> JobsPage

    /// Returns the job with this identifier, or `nil` when there is none.
    func job(id: String, correlationId: String?) async throws -> Job?

    /// Claims this job if it is claimable — not completed, not locked (or its lock lapsed),
    /// claimed fewer than the service's maximum retries, not expired; returns it claimed, or
    /// `nil` when it is missing or not claimable. (The original service checked only the first
    /// two.)
    func startJob(id: String, timeout: Duration, correlationId: String?) async throws -> Job?

    /// Claims the oldest claimable job of this type (see
    /// ``startJob(id:timeout:correlationId:)``); returns it claimed, or `nil` when nothing is
    /// claimable. The "claim next job" primitive: workers never need to ask first.
    func startJob(type: String, timeout: Duration, correlationId: String?) async throws -> Job?

    /// Moves the end of the job's lock to now plus `timeout`; returns the job, or `nil` when
    /// there is no such job.
    func extendJob(id: String, lockToken: String?, timeout: Duration, correlationId: String?) async throws -> Job?

    /// Ends the job's claim so that it can be claimed again (its retries stay); returns the
    /// job, or `nil` when there is no such job.
    func abortJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job?

    /// Ends the job's claim and marks it completed; returns the job, or `nil` when there is no
    /// such job.
    func completeJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job?

    /// Deletes the job; returns it, or `nil` when there was none.
    func deleteJob(id: String, correlationId: String?) async throws -> Job?

    /// Deletes every job.
    func deleteJobs(correlationId: String?) async throws
}
