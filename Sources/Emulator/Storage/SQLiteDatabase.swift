//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite

/// Process-wide SQLite settings, applied once before the first connection opens.
///
/// Memory statistics are turned off. With them on — Debian's default — every allocation SQLite
/// makes on any connection takes one global mutex to update the counters, which serialises
/// the emulator's concurrent read connections on it, and which a `fork()`ed child (as in the
/// crash tests) inherits locked if another thread held it at that instant. SQLite's own list of
/// recommended compile-time options turns them off too. `sqlite3_config` only works before
/// SQLite initialises; if something else in the process initialised it first, the call fails
/// harmlessly and the statistics stay on.
private let librarySettings: Void = {
    _ = csqlite_config_memory_statistics(0)
}()

/// One SQLite connection: a database file in WAL mode, or a private in-memory database.
///
/// The connection caches its prepared statements by SQL text (see ``withStatement(_:_:)``), runs
/// transactions with ``withTransaction(_:)`` and brings its schema up to date with
/// ``migrate(_:)``. It is opened in SQLite's multi-thread mode (`SQLITE_OPEN_NOMUTEX`): SQLite
/// does no locking of its own for the connection, which is therefore not `Sendable` and must be
/// used by one thread at a time. Owners that share a connection between threads guard it, as
/// ``TableStore`` does with a `Mutex` for its writer and a pool for its readers.
package final class SQLiteDatabase {
    /// How the connection was opened.
    package let configuration: Configuration
    /// The `sqlite3 *`; `nil` once closed.
    private var connection: OpaquePointer?
    /// Prepared statements by SQL text. A handful of fixed statements are reused for the
    /// connection's whole life, so each is compiled once; dynamic SQL is few shapes too.
    private var statements: [String: SQLiteStatement] = [:]

    /// Opens (creating if needed) the database the configuration describes and applies its
    /// settings.
    ///
    /// - Throws: ``SQLiteError`` when the file cannot be opened or created, or a setting cannot
    ///   be applied (for example WAL mode on a file system that lacks shared memory).
    package init(configuration: Configuration) throws(SQLiteError) {
        _ = librarySettings
        self.configuration = configuration
        var opened: OpaquePointer?
        let path: String
        switch configuration.location {
        case .file(let filePath):
            path = filePath
        case .inMemory:
            path = ":memory:"
        }
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &opened, flags, nil) == SQLITE_OK, let opened else {
            let error = SQLiteError.lastError(of: opened, doing: "opening \(path)")
            sqlite3_close_v2(opened)
            throw error
        }
        self.connection = opened
        sqlite3_extended_result_codes(opened, 1)
        do {
            try self.applySettings()
        } catch {
            self.close()
            throw error
        }
    }

    deinit {
        self.close()
    }

    /// Whether ``close()`` has been called.
    package var isClosed: Bool {
        self.connection == nil
    }

    /// Finalizes the cached statements and closes the connection; later calls do nothing.
    ///
    /// When this is the last connection to a WAL database, SQLite checkpoints the WAL into the
    /// database file and deletes it.
    package func close() {
        guard let connection = self.connection else {
            return
        }
        for statement in self.statements.values {
            statement.finalize()
        }
        self.statements.removeAll()
        sqlite3_close_v2(connection)
        self.connection = nil
    }

    // MARK: Statements

    /// Runs `body` with the prepared statement for `sql`, then resets it and clears its
    /// parameters.
    ///
    /// The statement is prepared on first use and cached by its exact SQL text. If the same SQL
    /// is already in use further up the stack, a fresh statement is prepared for this call and
    /// discarded after it, so nested uses never disturb each other. Resetting afterwards ends
    /// any read the statement still holds open; a statement left mid-result would otherwise pin
    /// a WAL snapshot and keep checkpoints from completing.
    ///
    /// - Throws: ``SQLiteError`` when the SQL cannot be prepared, or whatever `body` throws.
    package func withStatement<Result>(
        _ sql: String, _ body: (SQLiteStatement) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        let connection = try self.openConnection()
        let statement: SQLiteStatement
        let isCached: Bool
        if let cached = self.statements[sql], !cached.isInUse {
            statement = cached
            isCached = true
        } else if self.statements[sql] == nil {
            statement = try SQLiteStatement(sql: sql, connection: connection)
            self.statements[sql] = statement
            isCached = true
        } else {
            statement = try SQLiteStatement(sql: sql, connection: connection)
            isCached = false
        }
        statement.isInUse = true
        defer {
            statement.reset()
            statement.isInUse = false
            if !isCached {
                statement.finalize()
            }
        }
        return try body(statement)
    }

    /// Runs a single statement that returns no rows, such as `INSERT`, `UPDATE` or `DELETE`.
    ///
    /// - Parameters:
    ///   - sql: One SQL statement with `?` parameters.
    ///   - values: The parameters' values, in order.
    /// - Returns: The number of rows the statement inserted, updated or deleted.
    @discardableResult
    package func execute(_ sql: String, _ values: [SQLiteValue] = []) throws(SQLiteError) -> Int {
        try self.withStatement(sql) { statement throws(SQLiteError) in
            try statement.bind(values)
            while try statement.step() {}
            return Int(sqlite3_changes(self.connection))
        }
    }

    /// Runs a single statement and collects every row it returns.
    ///
    /// - Parameters:
    ///   - sql: One SQL statement with `?` parameters.
    ///   - values: The parameters' values, in order.
    ///   - row: Reads one row from the statement's columns.
    package func rows<Row>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws(SQLiteError) -> Row
    ) throws(SQLiteError) -> [Row] {
        try self.withStatement(sql) { statement throws(SQLiteError) in
            try statement.bind(values)
            var rows: [Row] = []
            while try statement.step() {
                rows.append(try row(statement))
            }
            return rows
        }
    }

    /// Runs several statements separated by semicolons, without parameters or results: for
    /// schema scripts and pragmas. The statements are not cached.
    package func executeScript(_ sql: String) throws(SQLiteError) {
        let connection = try self.openConnection()
        guard sqlite3_exec(connection, sql, nil, nil, nil) == SQLITE_OK else {
            throw SQLiteError.lastError(of: connection, doing: "running `\(sql)`")
        }
    }

    /// Whether a transaction is open on this connection (SQLite is not in autocommit mode).
    package var isInTransaction: Bool {
        guard let connection = self.connection else {
            return false
        }
        return sqlite3_get_autocommit(connection) == 0
    }

    /// Copies the WAL into the database file and truncates it, waiting up to the busy timeout
    /// for readers that are still using older parts of it.
    ///
    /// In WAL mode with `synchronous=NORMAL` a checkpoint syncs the WAL before copying it and the
    /// database file afterwards, so everything committed before the call survives a power loss
    /// once it returns `true`.
    ///
    /// - Returns: `false` when readers kept part of the WAL from being copied; those frames are
    ///   copied by a later checkpoint. In-memory databases have no WAL and return `true`.
    @discardableResult
    package func checkpoint() throws(SQLiteError) -> Bool {
        let connection = try self.openConnection()
        guard case .file = self.configuration.location else {
            return true
        }
        let result = sqlite3_wal_checkpoint_v2(connection, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        switch result {
        case SQLITE_OK:
            return true
        case SQLITE_BUSY:
            return false
        default:
            throw SQLiteError.lastError(of: connection, doing: "checkpointing the WAL")
        }
    }

    // MARK: Helpers

    /// The open connection, or an error after ``close()``.
    private func openConnection() throws(SQLiteError) -> OpaquePointer {
        guard let connection = self.connection else {
            throw SQLiteError.closed("the database")
        }
        return connection
    }

    /// Applies the configuration's pragmas to the freshly opened connection.
    private func applySettings() throws(SQLiteError) {
        let connection = try self.openConnection()
        let milliseconds =
            self.configuration.busyTimeout.components.seconds * 1000
            + self.configuration.busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(connection, Int32(clamping: milliseconds))
        if case .file = self.configuration.location, !self.configuration.isQueryOnly {
            // journal_mode answers with the mode now in force; a file system without shared
            // memory support, for one, silently keeps the rollback journal.
            let modes = try self.rows("PRAGMA journal_mode=WAL") { statement in statement.text(at: 0) }
            guard modes.first?.lowercased() == "wal" else {
                throw SQLiteError(
                    resultCode: SQLITE_CANTOPEN,
                    message: "could not switch \(self.configuration.location) to WAL mode (mode is \(modes))")
            }
        }
        switch self.configuration.synchronous {
        case .normal:
            try self.executeScript("PRAGMA synchronous=NORMAL")
        case .full:
            try self.executeScript("PRAGMA synchronous=FULL")
        }
        try self.executeScript(
            self.configuration.enforcesForeignKeys ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF")
        if self.configuration.isQueryOnly {
            try self.executeScript("PRAGMA query_only=ON")
        }
    }
}
