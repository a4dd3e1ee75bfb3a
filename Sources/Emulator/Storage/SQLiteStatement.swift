//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite

/// A prepared SQLite statement with typed parameter binding and column access.
///
/// Statements belong to one ``SQLiteDatabase`` and are obtained through
/// ``SQLiteDatabase/withStatement(_:_:)``, which caches them by their SQL and resets them after
/// each use; they are not meant to be kept. Parameter and column indices follow SQLite:
/// parameters count from 1, columns from 0.
///
/// Not `Sendable`: like its connection, a statement is used by one thread at a time.
package final class SQLiteStatement {
    /// The SQL the statement was prepared from, also its key in the connection's cache.
    package let sql: String
    /// The `sqlite3_stmt *`; `nil` once finalized.
    private var handle: OpaquePointer?
    /// The connection, for error messages; it outlives its statements (see ``finalize()``).
    private let connection: OpaquePointer
    /// Whether a ``SQLiteDatabase/withStatement(_:_:)`` call is using the statement, so that a
    /// nested use of the same SQL gets a fresh statement instead of resetting this one.
    var isInUse = false

    /// Prepares `sql`, which must be a single statement.
    init(sql: String, connection: OpaquePointer) throws(SQLiteError) {
        var prepared: OpaquePointer?
        let result = sqlite3_prepare_v2(connection, sql, -1, &prepared, nil)
        guard result == SQLITE_OK, let prepared else {
            sqlite3_finalize(prepared)
            throw SQLiteError.lastError(of: connection, doing: "preparing `\(sql)`")
        }
        self.sql = sql
        self.handle = prepared
        self.connection = connection
    }

    deinit {
        self.finalize()
    }

    /// Releases SQLite's resources for the statement; later use is a programming error.
    ///
    /// The database finalizes its cached statements before it closes the connection. A
    /// statement that is finalized late is still safe, because connections are closed with
    /// `sqlite3_close_v2`, which keeps them alive until their last statement is finalized.
    func finalize() {
        if let handle = self.handle {
            sqlite3_finalize(handle)
            self.handle = nil
        }
    }

    /// The live statement handle.
    private var statement: OpaquePointer {
        guard let handle = self.handle else {
            preconditionFailure("statement used after it was finalized: \(self.sql)")
        }
        return handle
    }

    // MARK: Running

    /// Runs the statement to its next row.
    ///
    /// - Returns: `true` when a row is available to read with the column accessors, `false`
    ///   when the statement has finished.
    /// - Throws: ``SQLiteError`` when SQLite reports an error, such as a constraint violation.
    package func step() throws(SQLiteError) -> Bool {
        switch sqlite3_step(self.statement) {
        case SQLITE_ROW:
            return true
        case SQLITE_DONE:
            return false
        default:
            throw SQLiteError.lastError(of: self.connection, doing: "running `\(self.sql)`")
        }
    }

    /// Returns the statement to its start and clears its parameters, ending any read it holds
    /// open; called after every use, so that no statement keeps a read transaction (and the WAL
    /// snapshot behind it) alive.
    func reset() {
        // The result repeats the last step's error, which that step has already thrown.
        sqlite3_reset(self.statement)
        sqlite3_clear_bindings(self.statement)
    }

    // MARK: Binding parameters

    /// Binds UTF-8 text to the parameter at `index` (from 1).
    package func bind(text: String, at index: Int) throws(SQLiteError) {
        var text = text
        let result = text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                // An empty buffer may have no address, and a null pointer would bind NULL.
                guard let address = characters.baseAddress, !characters.isEmpty else {
                    return csqlite_bind_text_transient(self.statement, Int32(index), "", 0)
                }
                return csqlite_bind_text_transient(self.statement, Int32(index), address, Int32(characters.count))
            }
        }
        try self.check(result, binding: index)
    }

    /// Binds bytes as a blob to the parameter at `index` (from 1); an empty array binds a
    /// zero-length blob, not `NULL`.
    package func bind(blob: [UInt8], at index: Int) throws(SQLiteError) {
        let result = blob.withUnsafeBytes { bytes in
            guard let address = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_zeroblob(self.statement, Int32(index), 0)
            }
            return csqlite_bind_blob_transient(self.statement, Int32(index), address, Int32(bytes.count))
        }
        try self.check(result, binding: index)
    }

    /// Binds a 64-bit integer to the parameter at `index` (from 1).
    package func bind(integer: Int64, at index: Int) throws(SQLiteError) {
        try self.check(sqlite3_bind_int64(self.statement, Int32(index), integer), binding: index)
    }

    /// Binds `NULL` to the parameter at `index` (from 1).
    package func bindNull(at index: Int) throws(SQLiteError) {
        try self.check(sqlite3_bind_null(self.statement, Int32(index)), binding: index)
    }

    /// Binds `values` to the parameters 1, 2, 3… in order.
    package func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            try self.bind(value, at: offset + 1)
        }
    }

    /// Binds one value of any kind to the parameter at `index` (from 1).
    package func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        switch value {
        case .text(let text):
            try self.bind(text: text, at: index)
        case .blob(let bytes):
            try self.bind(blob: bytes, at: index)
        case .integer(let integer):
            try self.bind(integer: integer, at: index)
        case .null:
            try self.bindNull(at: index)
        }
    }

    // MARK: Reading columns

    /// The column at `index` (from 0) of the current row as text; `NULL` reads as "".
    package func text(at index: Int) -> String {
        // Text first, then its length: that order avoids a second conversion inside SQLite.
        guard let characters = sqlite3_column_text(self.statement, Int32(index)) else {
            return ""
        }
        let count = Int(sqlite3_column_bytes(self.statement, Int32(index)))
        return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
    }

    /// The column at `index` (from 0) of the current row as bytes; `NULL` and an empty blob
    /// both read as `[]`.
    package func blob(at index: Int) -> [UInt8] {
        guard let bytes = sqlite3_column_blob(self.statement, Int32(index)) else {
            return []
        }
        let count = Int(sqlite3_column_bytes(self.statement, Int32(index)))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column at `index` (from 0) of the current row as a 64-bit integer; `NULL` reads as 0.
    package func integer(at index: Int) -> Int64 {
        sqlite3_column_int64(self.statement, Int32(index))
    }

    /// Whether the column at `index` (from 0) of the current row is `NULL`.
    package func isNull(at index: Int) -> Bool {
        sqlite3_column_type(self.statement, Int32(index)) == SQLITE_NULL
    }

    // MARK: Helpers

    private func check(_ result: Int32, binding index: Int) throws(SQLiteError) {
        guard result == SQLITE_OK else {
            throw SQLiteError.lastError(of: self.connection, doing: "binding parameter \(index) of `\(self.sql)`")
        }
    }
}
