//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite
package import Foundation
import StorageCore
import Synchronization

/// The emulator's durable store for the Jobs service: every job in one SQLite database,
/// `jobs.sqlite`, beside the Table service's.
///
/// Every call is synchronous and blocks on SQLite, by design: the Jobs service calls the store
/// from libmicrohttpd's threads and the cleanup from its own thread, never from Swift's
/// cooperative thread pool. The store is `Sendable` and may be called from many threads at once;
/// all calls go through one connection under a `Mutex`, and every call that writes is one
/// `BEGIN IMMEDIATE` transaction. That transaction takes SQLite's write lock before it reads, so
/// a claim's "find the first free job, then lock it" and `add_uniq_job`'s "find, else add" are
/// atomic — also against another emulator process sharing the same file.
///
/// Dates are the server's clock (see `clock`), stored as milliseconds since 1970. Failures of
/// the database throw SQLiteError; outcomes such as "no such job" are results.
package final class JobsStore: Sendable {
    /// Where a store keeps its data.
    package enum Location: Sendable, Hashable {
        /// A directory holding the database file JobsStore/databaseFileName; created if
        /// missing.
        case directory(URL)
        /// Memory only: nothing survives JobsStore/close().
        case inMemory
    }

    /// The database's file name inside the store's directory.
    package static let databaseFileName = "jobs.sqlite"

    /// The largest page `get_jobs` returns, pip-services' `maxPageSize` for jobs.
    package static let maximumPageSize = 1000

    /// The longest timeout or TTL the store applies, in milliseconds: 100 years of 365 days.
    /// The service refuses longer ones; the store caps them, so that no date can overflow.
    package static let maximumDuration: Int64 = 100 * 365 * 24 * 3600 * 1000

    /// How many claims a job gets: `start_job_by_type` and `start_job_by_id` skip jobs that have
    /// had this many, and the cleanup deletes them once their last claim has ended.
    package let maximumRetries: Int
    /// The connection; `nil` once closed.
    private let connection: Mutex<JobsStoreConnection?>
    /// The server's clock.
    private let clock: @Sendable () -> Date

    /// Opens the store at `location`, creating and migrating the database as needed.
    ///
    /// - Parameters:
    ///   - location: A directory, or memory.
    ///   - maximumRetries: How many claims a job gets (the original's `max_retries`, default 10).
    ///   - clock: The time source for every date; tests replace it to move time forward.
    /// - Throws: SQLiteError when the directory or database cannot be created or opened, or
    ///   the database was written by a newer version of the emulator.
    package init(
        location: Location, maximumRetries: Int = 10, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(SQLiteError) {
        let configuration: SQLiteDatabase.Configuration
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
        let database = try SQLiteDatabase(configuration: configuration)
        try database.migrate(Self.migrations)
        self.connection = Mutex(JobsStoreConnection(database: database))
        self.maximumRetries = maximumRetries
        self.clock = clock
    }

    deinit {
        self.close()
    }

    /// Closes the database; later calls throw SQLiteError and calling this again does
    /// nothing.
    package func close() {
        self.connection.withLock { connection in
            connection?.database.close()
            connection = nil
        }
    }

    // MARK: Internals shared by the extensions

    /// The current time in whole milliseconds since 1970.
    func now() -> Int64 {
        JobsDate.milliseconds(from: self.clock())
    }

    /// Runs `body` with the connection, outside a transaction: for reads.
    func withDatabase<Result: Sendable>(
        _ body: (SQLiteDatabase) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        try self.connection.withLock { connection throws(SQLiteError) -> Result in
            guard let connection else {
                throw SQLiteError.closed("the jobs store")
            }
            return try body(connection.database)
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction, committed when it returns.
    func writeTransaction<Result: Sendable>(
        _ body: (SQLiteDatabase) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        try self.withDatabase { database throws(SQLiteError) -> Result in
            do {
                return try database.withTransaction { try body(database) }
            } catch let error as SQLiteError {
                throw error
            } catch {
                preconditionFailure("a jobs store transaction threw a non-SQLite error: \(error)")
            }
        }
    }
}
