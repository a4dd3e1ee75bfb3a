//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite
package import Foundation
import Synchronization

/// The emulator's durable store for the Queue service: queues, their metadata, access policies
/// and messages, in one SQLite database of its own (`queues.sqlite`).
///
/// Every call is synchronous and blocks on SQLite, by design: the Queue service calls the store
/// from libmicrohttpd's threads, never from Swift's cooperative thread pool. Nearly every
/// message operation writes (even Get Messages, which hides what it returns), so the store uses
/// one connection under a `Mutex` for reads and writes alike, and each call is one transaction
/// that has committed before it returns. With WAL and `synchronous=NORMAL` an acknowledged Put
/// Message therefore survives the process being killed.
///
/// Times are milliseconds since 1970 from ``QueueStoreConnection/now()``, which never goes back
/// while the process runs. Messages are found by the index on
/// `(account, queue, next_visible, sequence)`, so Get Messages is one index descent however
/// many messages a queue holds. The store does not validate names or parameters; the Queue
/// service does. Database failures throw ``SQLiteError``; "not found" outcomes are results.
package final class QueueStore: Sendable {
    /// Where a store keeps its data.
    package enum Location: Sendable, Hashable {
        /// A directory holding ``QueueStore/databaseFileName``; created if missing.
        case directory(URL)
        /// Memory only: nothing survives ``QueueStore/close()``.
        case inMemory
    }

    /// The database's file name inside the store's directory.
    package static let databaseFileName = "queues.sqlite"

    /// The connection and its clock; `nil` once closed.
    private let connection: Mutex<QueueStoreConnection?>

    /// Opens the store at `location`, creating and migrating the database as needed.
    ///
    /// - Parameters:
    ///   - location: A directory, or memory.
    ///   - synchronous: When commits reach stable storage (see ``SQLiteDatabase/Synchronous``).
    ///   - wallClock: Milliseconds since 1970; tests replace it to move time forward at will.
    /// - Throws: ``SQLiteError`` when the database cannot be created, opened or migrated.
    package init(
        location: Location, synchronous: SQLiteDatabase.Synchronous = .normal,
        wallClock: @escaping @Sendable () -> Int64 = QueueStore.systemMilliseconds
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
        self.connection = Mutex(QueueStoreConnection(database: database, wallClock: wallClock))
    }

    deinit {
        self.close()
    }

    /// The system clock in milliseconds since 1970.
    package static func systemMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Closes the database; later calls throw ``SQLiteError``. Idempotent.
    package func close() {
        self.connection.withLock { connection in
            connection?.database.close()
            connection = nil
        }
    }

    /// Runs `body` in one transaction with the current time, committing when it returns.
    func transaction<Result: Sendable>(
        _ body: (SQLiteDatabase, Int64) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        try self.connection.withLock { connection throws(SQLiteError) -> Result in
            guard let connection else { throw SQLiteError.closed("the queue store") }
            let now = connection.now()
            do {
                return try connection.database.withTransaction { () throws -> Result in
                    try body(connection.database, now)
                }
            } catch let error as SQLiteError {
                throw error
            } catch {
                preconditionFailure("a queue store transaction threw a non-SQLite error: \(error)")
            }
        }
    }
}
