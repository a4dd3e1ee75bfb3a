//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CSQLite

extension SQLiteDatabase {
    /// The schema version recorded in the database file (`PRAGMA user_version`): the number of
    /// migrations applied so far; 0 for a new file.
    package var schemaVersion: Int {
        get throws(SQLiteError) {
            let versions = try self.rows("PRAGMA user_version") { statement in statement.integer(at: 0) }
            return Int(versions.first ?? 0)
        }
    }

    /// Brings the schema up to date by running the migrations the database has not seen yet.
    ///
    /// Migration *n* (counting from 1) takes the schema from version *n − 1* to *n*. Each runs in
    /// its own transaction together with the `user_version` update, so a crash leaves the
    /// database at a whole version, never between two. Migrations must therefore never change
    /// once released: a new schema change is a new migration at the end.
    ///
    /// - Parameter migrations: SQL scripts, oldest first.
    /// - Throws: ``SQLiteError`` when a migration fails (that migration is rolled back), or when
    ///   the file's version is newer than the migrations know — it was written by a newer build,
    ///   whose data this one might misread.
    package func migrate(_ migrations: [String]) throws(SQLiteError) {
        let current = try self.schemaVersion
        guard current <= migrations.count else {
            throw SQLiteError(
                resultCode: SQLITE_ERROR,
                message: "\(self.configuration.location) has schema version \(current), newer than the "
                    + "\(migrations.count) this build knows")
        }
        for (offset, script) in migrations.enumerated().dropFirst(current) {
            do {
                try self.withTransaction {
                    try self.executeScript(script)
                    // PRAGMA takes no parameters; the version is an integer this code made.
                    try self.executeScript("PRAGMA user_version = \(offset + 1)")
                }
            } catch let error as SQLiteError {
                throw error
            } catch {
                preconditionFailure("a migration threw a non-SQLite error: \(error)")
            }
        }
    }
}
