//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SQLiteDatabase {
    /// Runs `body` inside a transaction that commits when it returns and rolls back when it
    /// throws.
    ///
    /// The transaction starts with `BEGIN IMMEDIATE`, which takes the write lock at once. A
    /// deferred `BEGIN` would take it at the first write, and if another connection had written
    /// in between, SQLite could only fail that write with `SQLITE_BUSY` — the snapshot the
    /// transaction had read would be stale — without the busy timeout ever helping.
    ///
    /// Transactions do not nest: calling this inside `body` is a programming error.
    ///
    /// - Returns: What `body` returns, once the commit has succeeded.
    /// - Throws: What `body` throws, after rolling back; or ``SQLiteError`` when the transaction
    ///   cannot begin or commit, in which case it has been rolled back too.
    package func withTransaction<Result>(_ body: () throws -> sending Result) throws -> sending Result {
        precondition(!self.isInTransaction, "SQLite transactions do not nest")
        try self.executeScript("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try self.executeScript("COMMIT")
            return result
        } catch {
            self.rollBackIfOpen()
            throw error
        }
    }

    /// Rolls back the open transaction, if any.
    ///
    /// Some errors (a full disk, an I/O error) make SQLite roll back by itself, and a failed
    /// `COMMIT` may leave the transaction open, so the state is checked rather than assumed.
    /// A failing rollback leaves nothing more to do: SQLite then rolls back when the
    /// connection next starts a transaction or closes.
    private func rollBackIfOpen() {
        if self.isInTransaction {
            try? self.executeScript("ROLLBACK")
        }
    }
}
