//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite

/// A failure reported by SQLite, or a misuse of a database that is already closed.
///
/// The emulator's stores throw this only for real database failures — a full disk, a corrupt
/// file, a schema newer than this build understands. Ordinary outcomes such as "the entity
/// already exists" are results, never errors, so a service can map every `SQLiteError` to
/// HTTP 500 without looking inside.
package struct SQLiteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// SQLite's extended result code, such as 1555 (`SQLITE_CONSTRAINT_PRIMARYKEY`).
    ///
    /// Extended codes are enabled on every connection, so this is the most specific code SQLite
    /// has; ``primaryResultCode`` gives the broad class.
    package let resultCode: Int32
    /// What went wrong: SQLite's own message, with the statement or step that failed.
    package let message: String

    /// Creates an error from a result code and a message.
    package init(resultCode: Int32, message: String) {
        self.resultCode = resultCode
        self.message = message
    }

    /// The primary result code, such as 19 (`SQLITE_CONSTRAINT`), without the extended bits.
    package var primaryResultCode: Int32 {
        self.resultCode & 0xFF
    }

    /// Whether another connection held a lock for longer than the busy timeout.
    package var isBusy: Bool {
        self.primaryResultCode == SQLITE_BUSY || self.primaryResultCode == SQLITE_LOCKED
    }

    /// The code, SQLite's name for it and the message.
    package var description: String {
        let name = String(cString: sqlite3_errstr(self.resultCode))
        return "SQLite error \(self.resultCode) (\(name)): \(self.message)"
    }

    /// The error a connection reports for its most recent failed call, with what was being done.
    static func lastError(of connection: OpaquePointer?, doing action: String) -> SQLiteError {
        guard let connection else {
            return SQLiteError(resultCode: SQLITE_NOMEM, message: "\(action): no connection")
        }
        let message = String(cString: sqlite3_errmsg(connection))
        return SQLiteError(resultCode: sqlite3_extended_errcode(connection), message: "\(action): \(message)")
    }

    /// The error for using a database or store after it has been closed.
    static func closed(_ what: String) -> SQLiteError {
        SQLiteError(resultCode: SQLITE_MISUSE, message: "\(what) is closed")
    }
}
