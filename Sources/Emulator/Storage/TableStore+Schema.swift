//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension TableStore {
    /// The schema, as migrations applied in order (see ``SQLiteDatabase/migrate(_:)``); never
    /// edit a released one, append a new one.
    ///
    /// Design notes for version 1:
    /// - Every key column uses the `BINARY` collation (SQLite's default, spelled out because the
    ///   paging order depends on it): keys compare byte by byte in UTF-8, the order of
    ///   ``EntityKey``.
    /// - The tables are `WITHOUT ROWID`, so each row lives in its primary-key B-tree. A point
    ///   read or write of an entity is one O(log n) descent of that tree instead of a descent of
    ///   a key index followed by one of the rowid table, and a key-range scan reads rows in key
    ///   order straight from the leaves. SQLite advises against `WITHOUT ROWID` for rows larger
    ///   than about a twentieth of a page, because they spill into overflow pages sooner; an
    ///   entity may reach 1 MiB, but typical entities are a few hundred bytes, and large ones
    ///   still work, only less compactly.
    /// - `name_key` is the table name in lowercase: table names are case-insensitive but keep
    ///   the spelling they were created with, which `name` holds.
    /// - Entities and access policies refer to their table by foreign key. The store checks
    ///   that a table exists before writing to it and deletes the dependants before the table,
    ///   so the keys are a safety net that turns a bug into an error instead of orphaned rows.
    /// - `clock` holds the last timestamp issued, so timestamps keep increasing across restarts
    ///   even if the wall clock goes back (see ``TableStoreWriter``).
    static let migrations: [String] = [
        """
        CREATE TABLE tables (
            account TEXT NOT NULL COLLATE BINARY,
            name_key TEXT NOT NULL COLLATE BINARY,
            name TEXT NOT NULL,
            created_ticks INTEGER NOT NULL,
            PRIMARY KEY (account, name_key)
        ) WITHOUT ROWID;
        CREATE TABLE entities (
            account TEXT NOT NULL COLLATE BINARY,
            table_key TEXT NOT NULL COLLATE BINARY,
            partition_key TEXT NOT NULL COLLATE BINARY,
            row_key TEXT NOT NULL COLLATE BINARY,
            timestamp_ticks INTEGER NOT NULL,
            properties BLOB NOT NULL,
            PRIMARY KEY (account, table_key, partition_key, row_key),
            FOREIGN KEY (account, table_key) REFERENCES tables (account, name_key)
        ) WITHOUT ROWID;
        CREATE TABLE table_acls (
            account TEXT NOT NULL COLLATE BINARY,
            table_key TEXT NOT NULL COLLATE BINARY,
            signed_identifiers BLOB NOT NULL,
            PRIMARY KEY (account, table_key),
            FOREIGN KEY (account, table_key) REFERENCES tables (account, name_key)
        ) WITHOUT ROWID;
        CREATE TABLE clock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            last_tick INTEGER NOT NULL
        );
        INSERT INTO clock (id, last_tick) VALUES (1, 0);
        """,
        // Version 2: each account's Table service properties (logging, metrics, CORS).
        """
        CREATE TABLE service_properties (
            account TEXT NOT NULL PRIMARY KEY COLLATE BINARY,
            properties BLOB NOT NULL
        ) WITHOUT ROWID;
        """,
    ]
}
