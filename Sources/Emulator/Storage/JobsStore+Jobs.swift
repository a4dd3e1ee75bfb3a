//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

extension JobsStore {
    /// Adds a job, as `add_job` does: created now, never claimed, expiring after `ttl`
    /// milliseconds when that is positive.
    ///
    /// - Returns: The job as stored.
    package func addJob(_ newJob: NewJob) throws(SQLiteError) -> Job {
        try self.writeTransaction { database throws(SQLiteError) in
            try self.insert(newJob, into: database)
        }
    }

    /// Returns the oldest job of the same type and reference, completed ones included, or adds
    /// one if there is none, as `add_uniq_job` does — but atomically: the search and the
    /// insert are one transaction holding the write lock, so two concurrent calls never both add.
    ///
    /// - Returns: The existing job, or the new one.
    package func addUniqueJob(_ newJob: NewJob) throws(SQLiteError) -> Job {
        try self.writeTransaction { database throws(SQLiteError) in
            let existing = try database.rows(
                "SELECT \(Self.jobColumns) FROM jobs WHERE type = ? AND ref_id = ? ORDER BY sequence LIMIT 1",
                [.text(newJob.type), .text(newJob.refId)], row: Self.readJob)
            if let job = existing.first {
                return job
            }
            return try self.insert(newJob, into: database)
        }
    }

    /// The job with identifier `id`, or `nil`.
    package func job(id: String) throws(SQLiteError) -> Job? {
        try self.withDatabase { database throws(SQLiteError) in try Self.job(id: id, in: database) }
    }

    /// A page of the jobs `filter` matches, oldest first, as `get_jobs` returns it.
    ///
    /// `paging.take` is capped at maximumPageSize and defaults to it; the total is counted
    /// only when `paging.total` asks for it.
    package func jobs(filter: JobsFilter, paging: PagingParams) throws(SQLiteError) -> JobsPage {
        let (condition, values) = Self.condition(for: filter)
        let skip = max(0, paging.skip ?? 0)
        let take = min(max(0, paging.take ?? Self.maximumPageSize), Self.maximumPageSize)
        return try self.withDatabase { database throws(SQLiteError) in
            let jobs = try database.rows(
                "SELECT \(Self.jobColumns) FROM jobs WHERE \(condition) ORDER BY sequence LIMIT ? OFFSET ?",
                values + [.integer(Int64(take)), .integer(Int64(skip))], row: Self.readJob)
            var total: Int?
            if paging.total {
                let counts = try database.rows("SELECT count(*) FROM jobs WHERE \(condition)", values) { statement in
                    Int(statement.integer(at: 0))
                }
                total = counts.first ?? 0
            }
            return JobsPage(data: jobs, total: total)
        }
    }

    /// Deletes the job with identifier `id`.
    ///
    /// - Returns: The deleted job, or `nil` when there was none.
    package func deleteJob(id: String) throws(SQLiteError) -> Job? {
        try self.writeTransaction { database throws(SQLiteError) in
            guard let job = try Self.job(id: id, in: database) else {
                return nil
            }
            try database.execute("DELETE FROM jobs WHERE id = ?", [.text(id)])
            return job
        }
    }

    /// Deletes every job, as `delete_jobs` does.
    ///
    /// - Returns: How many jobs were deleted.
    @discardableResult
    package func deleteAllJobs() throws(SQLiteError) -> Int {
        try self.writeTransaction { database throws(SQLiteError) in try database.execute("DELETE FROM jobs") }
    }

    /// Inserts a new job inside the caller's transaction.
    private func insert(_ newJob: NewJob, into database: SQLiteDatabase) throws(SQLiteError) -> Job {
        let now = self.now()
        let created = JobsDate.date(milliseconds: now)
        let executeUntil = newJob.ttl > 0 ? JobsDate.date(milliseconds: Self.adding(newJob.ttl, to: now)) : nil
        let job = Job(
            id: Self.newIdentifier(), type: newJob.type, refId: newJob.refId, params: newJob.params,
            created: created, executeUntil: executeUntil)
        try database.execute(
            "INSERT INTO jobs (id, type, ref_id, params, created, execute_until, retries) VALUES (?, ?, ?, ?, ?, ?, 0)",
            [
                .text(job.id), .text(job.type), .text(job.refId),
                job.params.map { .text(JSONWriter.string($0)) } ?? .null, .integer(now), Self.value(executeUntil),
            ])
        return job
    }
}
