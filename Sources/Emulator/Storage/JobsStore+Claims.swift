//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

extension JobsStore {
    /// The condition a job must meet to be claimed at time `?1` with at most `?2` claims: not
    /// completed, not locked (or its lock lapsed), claimed fewer than `max_retries` times and not
    /// expired.
    private static let claimableCondition = """
        completed IS NULL AND (locked_until IS NULL OR locked_until <= ?1) AND retries < ?2 \
        AND (execute_until IS NULL OR execute_until > ?1)
        """

    /// Claims the job with identifier `id` if it is free, as `start_job_by_id` does: sets
    /// `started` to now, `locked_until` to now plus `timeout` milliseconds, adds one to
    /// `retries` and issues a new lock token.
    ///
    /// Unlike the original, a job that has had `max_retries` claims or whose `execute_until`
    /// has passed is not claimable by identifier either.
    ///
    /// - Returns: The claimed job, or `nil` when it is missing, completed, locked, exhausted or
    ///   expired.
    package func startJob(id: String, timeout: Int) throws(SQLiteError) -> Job? {
        try self.claim(where: "id = ?3", .text(id), timeout: timeout)
    }

    /// Claims the oldest free job of `type`, as `start_job_by_type` does; see
    /// startJob(id:timeout:).
    ///
    /// The search and the update are one `BEGIN IMMEDIATE` transaction, so however many
    /// workers ask at once, in this process or another, each job goes to one of them.
    ///
    /// - Returns: The claimed job, or `nil` when no job of that type is claimable.
    package func startJob(type: String, timeout: Int) throws(SQLiteError) -> Job? {
        try self.claim(where: "type = ?3", .text(type), timeout: timeout)
    }

    /// Moves the end of the job's claim to now plus `timeout` milliseconds, as `extend_job`
    /// does. With a `lockToken`, only while the job is still claimed with that token.
    package func extendJob(id: String, timeout: Int, lockToken: String?) throws(SQLiteError) -> JobUpdate {
        try self.update(id: id, lockToken: lockToken) { job, now in
            job.lockedUntil = JobsDate.date(milliseconds: Self.adding(timeout, to: now))
        }
    }

    /// Ends the job's claim so that it can be claimed again, as `abort_job` does; `retries` is
    /// kept. With a `lockToken`, only while the job is still claimed with that token.
    package func abortJob(id: String, lockToken: String?) throws(SQLiteError) -> JobUpdate {
        try self.update(id: id, lockToken: lockToken) { job, _ in
            job.started = nil
            job.lockedUntil = nil
            job.lockToken = nil
        }
    }

    /// Ends the job's claim and marks it completed now, as `complete_job` does. With a
    /// `lockToken`, only while the job is still claimed with that token.
    package func completeJob(id: String, lockToken: String?) throws(SQLiteError) -> JobUpdate {
        try self.update(id: id, lockToken: lockToken) { job, now in
            job.started = nil
            job.lockedUntil = nil
            job.lockToken = nil
            job.completed = JobsDate.date(milliseconds: now)
        }
    }

    /// Claims the first job matching `claimableCondition` and `condition` (whose parameter is
    /// `?3`), in one transaction.
    private func claim(where condition: String, _ value: SQLiteValue, timeout: Int) throws(SQLiteError) -> Job? {
        try self.writeTransaction { database throws(SQLiteError) -> Job? in
            let now = self.now()
            let candidates = try database.rows(
                "SELECT \(Self.jobColumns) FROM jobs WHERE \(condition) AND \(Self.claimableCondition) "
                    + "ORDER BY sequence LIMIT 1",
                [.integer(now), .integer(Int64(self.maximumRetries)), value], row: Self.readJob)
            guard var job = candidates.first else {
                return nil
            }
            job.started = JobsDate.date(milliseconds: now)
            job.lockedUntil = JobsDate.date(milliseconds: Self.adding(timeout, to: now))
            job.retries += 1
            job.lockToken = Self.newIdentifier()
            try Self.save(job, in: database)
            return job
        }
    }

    /// Changes a job in one transaction after checking its lock token.
    private func update(
        id: String, lockToken: String?, _ change: (inout Job, Int64) -> Void
    ) throws(SQLiteError) -> JobUpdate {
        try self.writeTransaction { database throws(SQLiteError) -> JobUpdate in
            guard var job = try Self.job(id: id, in: database) else {
                return .missing
            }
            if let lockToken, job.lockToken != lockToken {
                return .staleLockToken
            }
            change(&job, self.now())
            try Self.save(job, in: database)
            return .updated(job)
        }
    }

    /// Writes a job's control fields back.
    private static func save(_ job: Job, in database: SQLiteDatabase) throws(SQLiteError) {
        try database.execute(
            "UPDATE jobs SET started = ?, locked_until = ?, completed = ?, retries = ?, lock_token = ? WHERE id = ?",
            [
                Self.value(job.started), Self.value(job.lockedUntil), Self.value(job.completed),
                .integer(Int64(job.retries)), job.lockToken.map(SQLiteValue.text) ?? .null, .text(job.id),
            ])
    }
}
