//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

extension JobQueueing {
    /// Adds a job, without a correlation id.
    public func addJob(_ newJob: NewJob) async throws -> Job {
        try await self.addJob(newJob, correlationId: nil)
    }

    /// Returns the job with the same type and `ref_id`, or adds it; without a correlation id.
    public func addUniqueJob(_ newJob: NewJob) async throws -> Job {
        try await self.addUniqueJob(newJob, correlationId: nil)
    }

    /// Returns a page of jobs, by default all of them up to the service's page limit.
    public func jobs(filter: JobsFilter = JobsFilter(), paging: PagingParams = PagingParams()) async throws
        -> JobsPage
    {
        try await self.jobs(filter: filter, paging: paging, correlationId: nil)
    }

    /// Returns a job, without a correlation id.
    public func job(id: String) async throws -> Job? {
        try await self.job(id: id, correlationId: nil)
    }

    /// Claims a job by identifier, without a correlation id.
    public func startJob(id: String, timeout: Duration) async throws -> Job? {
        try await self.startJob(id: id, timeout: timeout, correlationId: nil)
    }

    /// Claims the next job of a type, without a correlation id.
    public func startJob(type: String, timeout: Duration) async throws -> Job? {
        try await self.startJob(type: type, timeout: timeout, correlationId: nil)
    }

    /// Extends a job's lock, without a correlation id.
    public func extendJob(id: String, lockToken: String?, timeout: Duration) async throws -> Job? {
        try await self.extendJob(id: id, lockToken: lockToken, timeout: timeout, correlationId: nil)
    }

    /// Aborts a job's claim, without a correlation id.
    public func abortJob(id: String, lockToken: String?) async throws -> Job? {
        try await self.abortJob(id: id, lockToken: lockToken, correlationId: nil)
    }

    /// Completes a job, without a correlation id.
    public func completeJob(id: String, lockToken: String?) async throws -> Job? {
        try await self.completeJob(id: id, lockToken: lockToken, correlationId: nil)
    }

    /// Deletes a job, without a correlation id.
    public func deleteJob(id: String) async throws -> Job? {
        try await self.deleteJob(id: id, correlationId: nil)
    }

    /// Deletes every job, without a correlation id.
    public func deleteJobs() async throws {
        try await self.deleteJobs(correlationId: nil)
    }
}
