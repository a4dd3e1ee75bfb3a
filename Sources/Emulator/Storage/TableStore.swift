//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite
package import Foundation
package import StorageCore
import Synchronization

/// The emulator's durable store for the Table service: tables, their entities and access
/// policies, in one SQLite database.
///
/// Every call is synchronous and blocks on SQLite, by design: the Table service calls the store
/// from libmicrohttpd's threads, never from Swift's cooperative thread pool, whose few threads
/// must not block. The store is `Sendable` and may be called from many threads at once.
///
/// - Writes go through one connection guarded by a `Mutex` (SQLite serialises writers
///   anyway); each is a transaction that commits before the call returns, and
///   ``transaction(_:)`` groups several into one.
/// - Reads outside a transaction use a pool of read-only connections, so that in WAL mode they
///   run alongside writes and see the last committed state. An in-memory store has a single
///   connection, since a private in-memory database cannot be shared, so there reads wait for
///   writes.
///
/// Durability: with the default `synchronous=NORMAL`, every write that has returned survives
/// the emulator process being killed (`kill -9` included), but the last ones may be lost if the
/// machine loses power; ``SQLiteDatabase/Synchronous`` explains why and offers `.full`.
///
/// Table names are case-insensitive but case-preserving: every method accepts any spelling and
/// reports the one the table was created with. The store does not validate names or keys; the
/// Table service does. Failures of the database throw ``SQLiteError``; outcomes such as "not
/// found" are results.
package final class TableStore: Sendable {
    /// Where a store keeps its data.
    package enum Location: Sendable, Hashable {
        /// A directory holding the database file ``TableStore/databaseFileName`` (with its
        /// `-wal` and `-shm` files); created if missing.
        case directory(URL)
        /// Memory only, for `--in-memory`: nothing survives ``TableStore/close()``.
        case inMemory
    }

    /// The database's file name inside the store's directory.
    package static let databaseFileName = "tables.sqlite"

    /// The write connection and its clock; `nil` once closed.
    private let writer: Mutex<TableStoreWriter?>
    /// Read connections for a store on disk; `nil` in memory, where reads use the writer.
    private let readers: SQLiteConnectionPool?

    /// Opens the store at `location`, creating and migrating the database as needed.
    ///
    /// - Parameters:
    ///   - location: A directory, or memory.
    ///   - synchronous: When commits reach stable storage; `.normal` survives the process being
    ///     killed, `.full` also survives power loss (see ``SQLiteDatabase/Synchronous``).
    ///   - wallClock: The time source for timestamps; tests replace it with a frozen or
    ///     backward-running clock to show that timestamps still increase.
    /// - Throws: ``SQLiteError`` when the directory or database cannot be created or opened, or
    ///   the database was written by a newer version of the emulator.
    package init(
        location: Location, synchronous: SQLiteDatabase.Synchronous = .normal,
        wallClock: @escaping @Sendable () -> PreciseTimestamp = PreciseTimestamp.now
    ) throws(SQLiteError) {
        var configuration: SQLiteDatabase.Configuration
        switch location {
        case .directory(let directory):
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw SQLiteError(
                    resultCode: SQLITE_CANTOPEN, message: "cannot create the directory \(directory.path): \(error)")
            }
            let file = directory.appendingPathComponent(Self.databaseFileName)
            configuration = SQLiteDatabase.Configuration(location: .file(path: file.path))
        case .inMemory:
            configuration = SQLiteDatabase.Configuration(location: .inMemory)
        }
        configuration.synchronous = synchronous
        let database = try SQLiteDatabase(configuration: configuration)
        try database.migrate(Self.migrations)
        self.writer = Mutex(TableStoreWriter(database: database, wallClock: wallClock))
        if case .directory = location {
            self.readers = SQLiteConnectionPool(configuration: configuration)
        } else {
            self.readers = nil
        }
    }

    deinit {
        self.close()
    }

    /// Closes the database; later calls throw ``SQLiteError`` and calling this again does
    /// nothing.
    ///
    /// Closing the last connection checkpoints the WAL into the database file and removes it.
    /// Reads still running finish first on their own connections, which close as they end.
    package func close() {
        self.readers?.close()
        self.writer.withLock { writer in
            writer?.database.close()
            writer = nil
        }
    }

    /// Copies the WAL into the database file, syncing both, and truncates it.
    ///
    /// Not needed for correctness: SQLite checkpoints by itself as the WAL grows. Useful before
    /// copying the database file, or as a barrier after which everything written so far also
    /// survives a power loss.
    ///
    /// - Returns: `false` when running reads kept part of the WAL from being copied.
    @discardableResult
    package func checkpoint() throws(SQLiteError) -> Bool {
        try self.withWriter { writer throws(SQLiteError) in try writer.database.checkpoint() }
    }

    /// Runs `body` in one transaction: everything it writes commits together when it returns,
    /// and nothing is kept when it throws.
    ///
    /// The store's write lock is held for the whole call, so other writers wait; keep the body
    /// short and free of I/O other than the transaction's own. Inside it, use only the
    /// transaction, never the store itself: the lock is not reentrant, so calling the store
    /// would deadlock. An entity group transaction (`$batch`, up to 100 operations) is one
    /// call.
    ///
    /// - Returns: What `body` returns, once the transaction has committed.
    /// - Throws: Whatever `body` throws, after rolling back — the Table service can throw its
    ///   own error to abandon a batch — or ``SQLiteError`` when the database fails, also after
    ///   rolling back.
    package func transaction<Result>(_ body: (TableTransaction) throws -> sending Result) throws -> sending Result {
        try self.writer.withLock { writer throws -> sending Result in
            guard let writer else {
                throw SQLiteError.closed("the table store")
            }
            return try writer.transaction(body)
        }
    }

    // MARK: Internals shared by the extensions

    /// The key a table is stored under: its name in lowercase, so names compare case-insensitively.
    static func tableKey(_ name: String) -> String {
        name.lowercased()
    }

    /// ``transaction(_:)`` for bodies that throw only ``SQLiteError``, keeping the error typed.
    func writeTransaction<Result: Sendable>(
        _ body: (TableTransaction) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        do {
            return try self.transaction { transaction in try body(transaction) }
        } catch let error as SQLiteError {
            throw error
        } catch {
            preconditionFailure("a table store transaction threw a non-SQLite error: \(error)")
        }
    }

    /// Runs `body` with a connection for reading committed data: a pooled reader on disk, the
    /// writer in memory.
    func withReader<Result: Sendable>(
        _ body: (SQLiteDatabase) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        if let readers = self.readers {
            return try readers.withConnection(body)
        }
        return try self.withWriter { writer throws(SQLiteError) in try body(writer.database) }
    }

    /// Runs `body` with the writer, outside any transaction.
    private func withWriter<Result: Sendable>(
        _ body: (TableStoreWriter) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        try self.writer.withLock { writer throws(SQLiteError) -> Result in
            guard let writer else {
                throw SQLiteError.closed("the table store")
            }
            return try body(writer)
        }
    }
}
