//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The table store's single write connection and the clock that stamps every write.
///
/// SQLite lets one connection write at a time anyway, so the store funnels every write through
/// this one, under its `Mutex`.
///
/// `@unchecked Sendable` because its state — the connection, opened with `SQLITE_OPEN_NOMUTEX`,
/// and the clock — is not thread-safe, yet it is only ever reached inside the store's
/// `Mutex.withLock`, which gives one thread at a time exclusive access. The conformance lets the
/// locked closure hand it to the caller's transaction body without the compiler tying the
/// writer to that body's isolation; the ``TableTransaction`` that body receives is not
/// `Sendable`, so the writer cannot leave the locked call through it either.
///
/// ## Timestamps
///
/// Each write gets a timestamp strictly greater than every one issued before, by this process
/// or any earlier one on the same database: the larger of the wall clock and the last tick
/// issued plus one tick (100 ns). Many writes within one tick therefore still get distinct
/// timestamps, as does a write after the wall clock has stepped back. The last tick is written
/// to the one-row `clock` table in the same transaction as the writes that used it, so it is
/// exactly as durable as they are. Every transaction reads it back first, under the write lock,
/// so the clock resumes from it after a restart, and even two stores (or two processes) that
/// share a file never issue the same timestamp.
///
/// A transaction that rolls back leaves the clock in memory ahead of the stored one. That is
/// harmless: its timestamps were never committed, so no ETag was ever derived from them, and
/// after a restart they may be issued again.
final class TableStoreWriter: @unchecked Sendable {
    /// The write connection.
    let database: SQLiteDatabase
    /// Reads the wall clock: `PreciseTimestamp.now` except in tests, which freeze it or turn it
    /// back.
    private let wallClock: @Sendable () -> PreciseTimestamp
    /// The last tick issued, committed or not.
    private var lastIssuedTick: Int64
    /// Whether ticks were issued in the open transaction, so the clock row needs updating.
    private var hasUnsavedTicks = false
    /// A number for each transaction, so that a ``TableTransaction`` used after its closure
    /// returned (or inside another transaction) is caught.
    private var transactionCount: UInt64 = 0
    /// The number of the open transaction, if any.
    private(set) var openTransaction: UInt64?

    /// Takes over a migrated connection; the clock is loaded by each transaction.
    init(database: SQLiteDatabase, wallClock: @escaping @Sendable () -> PreciseTimestamp) {
        self.database = database
        self.wallClock = wallClock
        self.lastIssuedTick = 0
    }

    /// The next write's timestamp; see the type's discussion.
    func nextTimestamp() -> PreciseTimestamp {
        let tick = max(self.lastIssuedTick + 1, self.wallClock().ticksSinceEpoch)
        self.lastIssuedTick = tick
        self.hasUnsavedTicks = true
        return PreciseTimestamp(ticksSinceEpoch: tick)
    }

    /// Runs `body` in one SQLite transaction, saving the clock before the commit.
    func transaction<Result>(_ body: (TableTransaction) throws -> sending Result) throws -> sending Result {
        precondition(self.openTransaction == nil, "table store transactions do not nest")
        self.transactionCount += 1
        let transaction = TableTransaction(writer: self, number: self.transactionCount)
        self.openTransaction = self.transactionCount
        defer {
            self.openTransaction = nil
            self.hasUnsavedTicks = false
        }
        return try self.database.withTransaction {
            let stored = try self.database.rows("SELECT last_tick FROM clock WHERE id = 1") { statement in
                statement.integer(at: 0)
            }
            self.lastIssuedTick = max(self.lastIssuedTick, stored.first ?? 0)
            let result = try body(transaction)
            if self.hasUnsavedTicks {
                try self.database.execute(
                    "UPDATE clock SET last_tick = ? WHERE id = 1", [.integer(self.lastIssuedTick)])
            }
            return result
        }
    }
}
