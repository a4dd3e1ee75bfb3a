//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension JobsStore {
    /// Deletes the jobs the original's cleanup deletes, in one transaction:
    /// - completed jobs;
    /// - jobs whose `execute_until` has passed;
    /// - jobs that have had `max_retries` claims (the original: more than `max_retries`, which
    ///   left a job with exactly that many unclaimable and undeleted).
    ///
    /// Unlike the original, a job whose claim is still running is left alone until its lock
    /// lapses or it completes, so a worker never loses its job mid-run.
    ///
    /// - Returns: How many jobs were deleted.
    @discardableResult
    package func clean() throws(SQLiteError) -> Int {
        try self.writeTransaction { database throws(SQLiteError) in
            let now = self.now()
            return try database.execute(
                """
                DELETE FROM jobs WHERE (completed IS NOT NULL AND completed <= ?1) \
                OR ((locked_until IS NULL OR locked_until <= ?1) \
                AND ((execute_until IS NOT NULL AND execute_until <= ?1) OR retries >= ?2))
                """,
                [.integer(now), .integer(Int64(self.maximumRetries))])
        }
    }
}
