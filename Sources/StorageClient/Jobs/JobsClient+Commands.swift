//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

extension JobsClient: JobQueueing {
    /// `add_job`.
    public func addJob(_ newJob: NewJob, correlationId: String?) async throws -> Job {
        let result = try await self.call(
            JobsCommand.addJob.rawValue, correlationId: correlationId, arguments: [JSONMember("new_job", newJob.json)])
        return try Self.requiredJob(result, command: .addJob, correlationId: correlationId)
    }

    /// `add_uniq_job`.
    public func addUniqueJob(_ newJob: NewJob, correlationId: String?) async throws -> Job {
        let result = try await self.call(
            JobsCommand.addUniqueJob.rawValue, correlationId: correlationId,
            arguments: [JSONMember("new_job", newJob.json)])
        return try Self.requiredJob(result, command: .addUniqueJob, correlationId: correlationId)
    }

    /// `get_jobs`.
    public func jobs(filter: JobsFilter, paging: PagingParams, correlationId: String?) async throws -> JobsPage {
        let result = try await self.call(
            JobsCommand.getJobs.rawValue, correlationId: correlationId,
            arguments: [JSONMember("filter", filter.json), JSONMember("paging", paging.json)])
        guard let result else { return JobsPage(data: []) }
        return try JobsPage(json: result)
    }

    /// `get_job_by_id`.
    public func job(id: String, correlationId: String?) async throws -> Job? {
        try await self.jobCommand(
            .getJobById, correlationId: correlationId, arguments: [JSONMember("job_id", .string(id))])
    }

    /// `start_job_by_id`.
    public func startJob(id: String, timeout: Duration, correlationId: String?) async throws -> Job? {
        try await self.jobCommand(
            .startJobById, correlationId: correlationId,
            arguments: [JSONMember("job_id", .string(id)), JSONMember("timeout", .number(timeout.jobsMilliseconds))])
    }

    /// `start_job_by_type`.
    public func startJob(type: String, timeout: Duration, correlationId: String?) async throws -> Job? {
        try await self.jobCommand(
            .startJobByType, correlationId: correlationId,
            arguments: [JSONMember("type", .string(type)), JSONMember("timeout", .number(timeout.jobsMilliseconds))])
    }

    /// `extend_job`, with `lock_token` when one is given.
    public func extendJob(id: String, lockToken: String?, timeout: Duration, correlationId: String?) async throws
        -> Job?
    {
        var arguments = [JSONMember("job_id", .string(id)), JSONMember("timeout", .number(timeout.jobsMilliseconds))]
        if let lockToken { arguments.append(JSONMember("lock_token", .string(lockToken))) }
        return try await self.jobCommand(.extendJob, correlationId: correlationId, arguments: arguments)
    }

    /// `abort_job`, with `lock_token` when one is given.
    public func abortJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job? {
        var arguments = [JSONMember("job_id", .string(id))]
        if let lockToken { arguments.append(JSONMember("lock_token", .string(lockToken))) }
        return try await self.jobCommand(.abortJob, correlationId: correlationId, arguments: arguments)
    }

    /// `complete_job`, with `lock_token` when one is given.
    public func completeJob(id: String, lockToken: String?, correlationId: String?) async throws -> Job? {
        var arguments = [JSONMember("job_id", .string(id))]
        if let lockToken { arguments.append(JSONMember("lock_token", .string(lockToken))) }
        return try await self.jobCommand(.completeJob, correlationId: correlationId, arguments: arguments)
    }

    /// `delete_job_by_id`.
    public func deleteJob(id: String, correlationId: String?) async throws -> Job? {
        try await self.jobCommand(
            .deleteJobById, correlationId: correlationId, arguments: [JSONMember("job_id", .string(id))])
    }

    /// `delete_jobs`.
    public func deleteJobs(correlationId: String?) async throws {
        _ = try await self.call(JobsCommand.deleteJobs.rawValue, correlationId: correlationId, arguments: [])
    }

    /// Sends a command whose result is a job or nothing.
    private func jobCommand(_ command: JobsCommand, correlationId: String?, arguments: [JSONMember]) async throws
        -> Job?
    {
        guard let result = try await self.call(command.rawValue, correlationId: correlationId, arguments: arguments),
            result != .null
        else { return nil }
        return try Job(json: result)
    }

    /// A job from a command that always returns one.
    private static func requiredJob(_ result: JSONValue?, command: JobsCommand, correlationId: String?) throws
        -> Job
    {
        guard let result, result != .null else {
            throw JobsError(
                type: "InvalidResponseException", category: "Internal", code: "INVALID_RESPONSE", status: 204,
                message: "\(command.rawValue) returned no job", correlationId: correlationId)
        }
        return try Job(json: result)
    }
}
