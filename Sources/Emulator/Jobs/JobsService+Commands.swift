//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension JobsService {
    /// Runs one command with its arguments.
    ///
    /// - Returns: The result to send as JSON, or `nil` for 204.
    func run(_ command: JobsCommand, _ arguments: JobsJSONObject) throws(JobsError) -> JSONValue? {
        switch command {
        case .addJob:
            let newJob = try Self.newJob(arguments)
            return try self.storeCall { () throws(SQLiteError) in try self.store.addJob(newJob) }.json
        case .addUniqueJob:
            let newJob = try Self.newJob(arguments)
            return try self.storeCall { () throws(SQLiteError) in try self.store.addUniqueJob(newJob) }.json
        case .getJobs:
            let filter = try arguments.value("filter").map { value throws(JobsError) in try JobsFilter(json: value) }
            let paging = try arguments.value("paging").map { value throws(JobsError) in try PagingParams(json: value) }
            return try self.storeCall { () throws(SQLiteError) in
                try self.store.jobs(filter: filter ?? JobsFilter(), paging: paging ?? PagingParams())
            }.json
        case .getJobById:
            let id = try arguments.requiredString("job_id")
            return try self.storeCall { () throws(SQLiteError) in try self.store.job(id: id) }?.json
        case .startJobById:
            let id = try arguments.requiredString("job_id")
            let timeout = try Self.timeout(arguments)
            return try self.storeCall { () throws(SQLiteError) in try self.store.startJob(id: id, timeout: timeout) }?
                .json
        case .startJobByType:
            let type = try arguments.requiredString("type")
            let timeout = try Self.timeout(arguments)
            return try self.storeCall { () throws(SQLiteError) in
                try self.store.startJob(type: type, timeout: timeout)
            }?.json
        case .extendJob:
            let id = try arguments.requiredString("job_id")
            let timeout = try Self.timeout(arguments)
            let token = try arguments.string("lock_token")
            return try Self.result(
                of: self.storeCall { () throws(SQLiteError) in
                    try self.store.extendJob(id: id, timeout: timeout, lockToken: token)
                }, id: id)
        case .abortJob:
            let id = try arguments.requiredString("job_id")
            let token = try arguments.string("lock_token")
            return try Self.result(
                of: self.storeCall { () throws(SQLiteError) in try self.store.abortJob(id: id, lockToken: token) },
                id: id)
        case .completeJob:
            let id = try arguments.requiredString("job_id")
            let token = try arguments.string("lock_token")
            return try Self.result(
                of: self.storeCall { () throws(SQLiteError) in try self.store.completeJob(id: id, lockToken: token) },
                id: id)
        case .deleteJobById:
            let id = try arguments.requiredString("job_id")
            return try self.storeCall { () throws(SQLiteError) in try self.store.deleteJob(id: id) }?.json
        case .deleteJobs:
            try self.storeCall { () throws(SQLiteError) in try self.store.deleteAllJobs() }
            return nil
        }
    }

    /// The `new_job` argument.
    private static func newJob(_ arguments: JobsJSONObject) throws(JobsError) -> NewJob {
        guard let value = arguments.value("new_job") else {
            throw arguments.invalid("new_job", "is required")
        }
        let newJob = try NewJob(json: value)
        guard newJob.ttl <= JobsStore.maximumDuration else {
            throw arguments.invalid("new_job.ttl", "must be at most \(JobsStore.maximumDuration) milliseconds")
        }
        return newJob
    }

    /// The `timeout` argument: a positive whole number of milliseconds, required as in the
    /// original schema.
    private static func timeout(_ arguments: JobsJSONObject) throws(JobsError) -> Int {
        let timeout = try arguments.requiredInteger("timeout")
        guard timeout > 0, timeout <= JobsStore.maximumDuration else {
            throw arguments.invalid(
                "timeout", "must be a positive number of milliseconds, at most \(JobsStore.maximumDuration)")
        }
        return timeout
    }

    /// The answer to a token-checked change: the job, nothing when it is missing, or a conflict.
    private static func result(of update: JobUpdate, id: String) throws(JobsError) -> JSONValue? {
        switch update {
        case .updated(let job): return job.json
        case .missing: return nil
        case .staleLockToken: throw JobsError.lockTokenMismatch(jobId: id)
        }
    }

    /// Runs a store call, turning a database failure into a 500 error.
    @discardableResult
    private func storeCall<Result>(_ body: () throws(SQLiteError) -> Result) throws(JobsError) -> Result {
        do {
            return try body()
        } catch {
            throw JobsError.internalError("The jobs store failed: \(error)")
        }
    }
}
