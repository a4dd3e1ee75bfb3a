//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import Testing

@Suite("SQLiteDatabase", .timeLimit(.minutes(1)))
struct SQLiteDatabaseTests {
    // MARK: Fixtures

    /// Opens a database file in a fresh directory; the caller removes the directory.
    static func openFile(
        in directory: TemporaryDirectory, configure: (inout SQLiteDatabase.Configuration) -> Void = { _ in }
    ) throws -> SQLiteDatabase {
        var configuration = SQLiteDatabase.Configuration(location: .file(path: directory.path("test.sqlite")))
        configure(&configuration)
        return try SQLiteDatabase(configuration: configuration)
    }

    /// The single integer a pragma or query answers with.
    static func integer(_ database: SQLiteDatabase, _ sql: String) throws -> Int64? {
        try database.rows(sql) { statement in statement.integer(at: 0) }.first
    }

    /// The single text a pragma or query answers with.
    static func text(_ database: SQLiteDatabase, _ sql: String) throws -> String? {
        try database.rows(sql) { statement in statement.text(at: 0) }.first
    }

    // MARK: Opening

    @Test("a file opens in WAL mode with synchronous=NORMAL, foreign keys and a busy timeout")
    func fileSettings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.openFile(in: directory)
        defer { database.close() }

        #expect(try Self.text(database, "PRAGMA journal_mode") == "wal")
        #expect(try Self.integer(database, "PRAGMA synchronous") == 1)  // NORMAL
        #expect(try Self.integer(database, "PRAGMA foreign_keys") == 1)
        #expect(try Self.integer(database, "PRAGMA busy_timeout") == 5000)
    }

    @Test("synchronous=FULL and other settings can be chosen")
    func configuredSettings() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.openFile(in: directory) { configuration in
            configuration.synchronous = .full
            configuration.busyTimeout = .milliseconds(250)
            configuration.enforcesForeignKeys = false
        }
        defer { database.close() }

        #expect(try Self.integer(database, "PRAGMA synchronous") == 2)  // FULL
        #expect(try Self.integer(database, "PRAGMA busy_timeout") == 250)
        #expect(try Self.integer(database, "PRAGMA foreign_keys") == 0)
    }

    @Test("an in-memory database is private to its connection and has no WAL")
    func inMemory() throws {
        let first = try SQLiteDatabase(configuration: .init(location: .inMemory))
        let second = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer {
            first.close()
            second.close()
        }
        try first.executeScript("CREATE TABLE t (x INTEGER)")
        try first.execute("INSERT INTO t VALUES (?)", [.integer(1)])

        #expect(try Self.text(first, "PRAGMA journal_mode") == "memory")
        #expect(try Self.integer(first, "SELECT count(*) FROM t") == 1)
        #expect(throws: SQLiteError.self) { try second.execute("SELECT * FROM t") }
    }

    @Test("a query-only connection reads but refuses to write")
    func queryOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let writer = try Self.openFile(in: directory)
        defer { writer.close() }
        try writer.executeScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7);")
        let reader = try Self.openFile(in: directory) { configuration in configuration.isQueryOnly = true }
        defer { reader.close() }

        #expect(try Self.integer(reader, "SELECT x FROM t") == 7)
        #expect(throws: SQLiteError.self) { try reader.execute("INSERT INTO t VALUES (8)") }
    }

    @Test("a file that cannot be created fails with SQLITE_CANTOPEN")
    func cannotOpen() throws {
        let configuration = SQLiteDatabase.Configuration(location: .file(path: "/nonexistent-baton-dir/x/db.sqlite"))
        let error = try #require(throws: SQLiteError.self) { try SQLiteDatabase(configuration: configuration) }
        #expect(error.primaryResultCode == 14)  // SQLITE_CANTOPEN
    }

    // MARK: Binding and reading values

    @Test("text, blob, integer and NULL round-trip exactly")
    func valuesRoundTrip() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE v (id INTEGER PRIMARY KEY, value)")
        let values: [SQLiteValue] = [
            .text(""), .text("héllo ✓ 𝄞"), .text("nul\u{0}inside"), .blob([]), .blob([0, 1, 2, 255]),
            .integer(0), .integer(Int64.min), .integer(Int64.max), .null,
        ]
        for (index, value) in values.enumerated() {
            try database.execute("INSERT INTO v (id, value) VALUES (?, ?)", [.integer(Int64(index)), value])
        }

        let stored = try database.rows("SELECT typeof(value), value FROM v ORDER BY id") { statement in
            switch statement.text(at: 0) {
            case "text": SQLiteValue.text(statement.text(at: 1))
            case "blob": SQLiteValue.blob(statement.blob(at: 1))
            case "integer": SQLiteValue.integer(statement.integer(at: 1))
            case "null": statement.isNull(at: 1) ? SQLiteValue.null : .text("not null?")
            default: SQLiteValue.text("unexpected type")
            }
        }
        // An empty string stays text and an empty blob stays a blob: neither turns into NULL.
        #expect(stored == values)
    }

    @Test("typed bind helpers set parameters by index")
    func typedBinding() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        let row = try database.withStatement("SELECT ?1, ?2, ?3, ?4 IS NULL") { statement throws(SQLiteError) in
            try statement.bind(text: "text", at: 1)
            try statement.bind(blob: [9, 8], at: 2)
            try statement.bind(integer: 42, at: 3)
            try statement.bindNull(at: 4)
            #expect(try statement.step())
            return (statement.text(at: 0), statement.blob(at: 1), statement.integer(at: 2), statement.integer(at: 3))
        }
        #expect(row.0 == "text")
        #expect(row.1 == [9, 8])
        #expect(row.2 == 42)
        #expect(row.3 == 1)
    }

    @Test("the same SQL can be used again while it is in use further up the stack")
    func nestedStatementUse() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);")
        let sql = "SELECT x FROM t WHERE x >= ? ORDER BY x"

        var pairs: [[Int64]] = []
        try database.withStatement(sql) { outer throws(SQLiteError) in
            try outer.bind(integer: 1, at: 1)
            while try outer.step() {
                let x = outer.integer(at: 0)
                let inner = try database.rows(sql, [.integer(x)]) { statement in statement.integer(at: 0) }
                pairs.append([x] + inner)
            }
        }
        #expect(pairs == [[1, 1, 2, 3], [2, 2, 3], [3, 3]])
        // And the cached statement still works afterwards.
        #expect(try database.rows(sql, [.integer(3)]) { statement in statement.integer(at: 0) } == [3])
    }

    @Test("execute reports the number of rows changed")
    func changes() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3);")
        #expect(try database.execute("UPDATE t SET x = x + 10 WHERE x >= ?", [.integer(2)]) == 2)
        #expect(try database.execute("DELETE FROM t") == 3)
    }

    // MARK: Errors

    @Test("a constraint violation throws the extended result code and SQLite's message")
    func constraintError() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (id TEXT PRIMARY KEY) WITHOUT ROWID; INSERT INTO t VALUES ('a');")

        let error = try #require(throws: SQLiteError.self) {
            try database.execute("INSERT INTO t VALUES (?)", [.text("a")])
        }
        #expect(error.resultCode == 1555)  // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error.primaryResultCode == 19)  // SQLITE_CONSTRAINT
        #expect(error.message.contains("UNIQUE constraint failed: t.id"))
        #expect(error.description.contains("1555"))
    }

    @Test("invalid SQL fails to prepare with the statement in the message")
    func prepareError() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        let error = try #require(throws: SQLiteError.self) { try database.execute("SELEC 1") }
        #expect(error.primaryResultCode == 1)  // SQLITE_ERROR
        #expect(error.message.contains("SELEC 1"))
    }

    @Test("a closed database throws SQLITE_MISUSE instead of crashing")
    func closedDatabase() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        database.close()
        database.close()  // harmless
        #expect(database.isClosed)
        let error = try #require(throws: SQLiteError.self) { try database.execute("SELECT 1") }
        #expect(error.primaryResultCode == 21)  // SQLITE_MISUSE
    }

    // MARK: Transactions

    /// An error a transaction body throws to abandon its work.
    struct Abandon: Error {}

    @Test("a transaction commits what its body wrote")
    func transactionCommits() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (x INTEGER)")
        let result = try database.withTransaction {
            try database.execute("INSERT INTO t VALUES (1)")
            try database.execute("INSERT INTO t VALUES (2)")
            #expect(database.isInTransaction)
            return "done"
        }
        #expect(result == "done")
        #expect(!database.isInTransaction)
        #expect(try Self.integer(database, "SELECT count(*) FROM t") == 2)
    }

    @Test("a transaction whose body throws rolls back everything and rethrows")
    func transactionRollsBack() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (0);")
        #expect(throws: Abandon.self) {
            try database.withTransaction {
                try database.execute("INSERT INTO t VALUES (1)")
                try database.execute("DELETE FROM t WHERE x = 0")
                throw Abandon()
            }
        }
        #expect(!database.isInTransaction)
        #expect(try database.rows("SELECT x FROM t") { statement in statement.integer(at: 0) } == [0])
    }

    @Test("BEGIN IMMEDIATE takes the write lock before the first write")
    func immediateTransaction() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try Self.openFile(in: directory)
        defer { first.close() }
        try first.executeScript("CREATE TABLE t (x INTEGER)")
        let second = try Self.openFile(in: directory) { configuration in
            configuration.busyTimeout = .milliseconds(20)
        }
        defer { second.close() }

        try first.withTransaction {
            // Nothing written yet, but the lock is already held: the other connection must wait.
            let error = try #require(throws: SQLiteError.self) { try second.execute("INSERT INTO t VALUES (2)") }
            #expect(error.isBusy)
            try first.execute("INSERT INTO t VALUES (1)")
        }
        try second.execute("INSERT INTO t VALUES (2)")
        #expect(try Self.integer(first, "SELECT count(*) FROM t") == 2)
    }

    // MARK: Migrations

    @Test("migrations run once each, in order, recording the version in user_version")
    func migrations() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = ["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1);"]

        let database = try Self.openFile(in: directory)
        #expect(try database.schemaVersion == 0)
        try database.migrate(first)
        #expect(try database.schemaVersion == 2)
        try database.migrate(first)  // nothing left to do: would fail if a script ran again
        database.close()

        let reopened = try Self.openFile(in: directory)
        defer { reopened.close() }
        try reopened.migrate(first + ["ALTER TABLE b ADD COLUMN z TEXT"])
        #expect(try reopened.schemaVersion == 3)
        #expect(try Self.integer(reopened, "SELECT count(*) FROM b") == 1)
    }

    @Test("a failing migration is rolled back and leaves the version unchanged")
    func failingMigration() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.migrate(["CREATE TABLE a (x INTEGER)"])
        #expect(throws: SQLiteError.self) {
            try database.migrate(["CREATE TABLE a (x INTEGER)", "CREATE TABLE c (x INTEGER); SELEC 1;"])
        }
        #expect(try database.schemaVersion == 1)
        #expect(try Self.integer(database, "SELECT count(*) FROM sqlite_schema WHERE name = 'c'") == 0)
    }

    @Test("a database from a newer schema is refused")
    func newerSchema() throws {
        let database = try SQLiteDatabase(configuration: .init(location: .inMemory))
        defer { database.close() }
        try database.migrate(["CREATE TABLE a (x INTEGER)", "CREATE TABLE b (x INTEGER)"])
        let error = try #require(throws: SQLiteError.self) { try database.migrate(["CREATE TABLE a (x INTEGER)"]) }
        #expect(error.message.contains("schema version 2"))
    }

    // MARK: Checkpoints

    @Test("a checkpoint copies the WAL into the database and truncates it")
    func checkpoint() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let database = try Self.openFile(in: directory)
        defer { database.close() }
        try database.executeScript("CREATE TABLE t (x BLOB)")
        try database.execute("INSERT INTO t VALUES (?)", [.blob([UInt8](repeating: 7, count: 100_000))])
        let walPath = directory.path("test.sqlite-wal")
        let walSize = { (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? -1 }
        #expect(walSize() > 100_000)

        #expect(try database.checkpoint())
        #expect(walSize() == 0)
    }
}
