//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension JobsStore {
    /// The schema, as migrations applied in order (see `SQLiteDatabase.migrate(_:)`); never
    /// edit a released one, append a new one.
    ///
    /// Design notes for version 1:
    /// - `sequence` is the rowid, so "the first job" — what `start_job_by_type` claims and the
    ///   order of `get_jobs` — is the oldest added, and stays so across `VACUUM`.
    /// - Dates are integers, milliseconds since 1970, so range filters compare numbers.
    /// - `params` is the JSON text of the parameters, `NULL` when there are none.
    /// - `jobs_by_type` serves claims by type in order; `jobs_by_reference` serves
    ///   `add_uniq_job`, whose find-then-add is made atomic by its transaction rather than by a
    ///   unique index, because plain `add_job` may add duplicates.
    static let migrations: [String] = [
        """
        CREATE TABLE jobs (
            sequence INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            type TEXT NOT NULL,
            ref_id TEXT NOT NULL,
            params TEXT,
            created INTEGER NOT NULL,
            started INTEGER,
            locked_until INTEGER,
            execute_until INTEGER,
            completed INTEGER,
            retries INTEGER NOT NULL DEFAULT 0,
            lock_token TEXT
        );
        CREATE INDEX jobs_by_type ON jobs (type, sequence);
        CREATE INDEX jobs_by_reference ON jobs (type, ref_id, sequence);
        """
    ]

    /// The columns every job query selects, in the order readJob(_:) reads them.
    static let jobColumns =
        "id, type, ref_id, params, created, started, locked_until, execute_until, completed, retries, lock_token"

    /// Reads a job from a row selected with jobColumns.
    static func readJob(_ statement: SQLiteStatement) -> Job {
        func date(_ index: Int) -> Date? {
            statement.isNull(at: index) ? nil : JobsDate.date(milliseconds: statement.integer(at: index))
        }
        var params: JSONValue?
        if !statement.isNull(at: 3) {
            // The store wrote this text with JSONWriter; it always parses.
            params = try? JSONParser.parse(statement.blob(at: 3))
        }
        return Job(
            id: statement.text(at: 0), type: statement.text(at: 1), refId: statement.text(at: 2), params: params,
            created: JobsDate.date(milliseconds: statement.integer(at: 4)), started: date(5), lockedUntil: date(6),
            executeUntil: date(7), completed: date(8), retries: Int(statement.integer(at: 9)),
            lockToken: statement.isNull(at: 10) ? nil : statement.text(at: 10))
    }

    /// Binds an optional date as milliseconds, or `NULL`.
    static func value(_ date: Date?) -> SQLiteValue {
        date.map { .integer(JobsDate.milliseconds(from: $0)) } ?? .null
    }

    /// The job with identifier `id`, read inside the caller's transaction or lock.
    static func job(id: String, in database: SQLiteDatabase) throws(SQLiteError) -> Job? {
        try database.rows("SELECT \(Self.jobColumns) FROM jobs WHERE id = ?", [.text(id)], row: Self.readJob).first
    }

    /// `now` plus `milliseconds`, capped at ``maximumDuration`` so that no argument can overflow.
    static func adding(_ milliseconds: Int, to now: Int64) -> Int64 {
        now + min(Int64(milliseconds), Self.maximumDuration)
    }

    /// A fresh identifier: 32 lowercase hexadecimal digits, like pip-services' `IdGenerator.nextLong`.
    static func newIdentifier() -> String {
        UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
}
