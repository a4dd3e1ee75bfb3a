//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The table store's reads, shared by its read connections and by write transactions (which
/// must read through the writer to see their own uncommitted changes).
enum TableStoreReads {
    /// The stored spelling of a table's name, or `nil` when it does not exist.
    static func tableName(
        in database: SQLiteDatabase, account: String, tableKey: String
    ) throws(SQLiteError) -> String? {
        try database.rows(
            "SELECT name FROM tables WHERE account = ? AND name_key = ?", [.text(account), .text(tableKey)]
        ) { statement in statement.text(at: 0) }.first
    }

    /// One entity by its keys, or `nil`.
    static func entity(
        in database: SQLiteDatabase, account: String, tableKey: String, partitionKey: String, rowKey: String
    ) throws(SQLiteError) -> StoredEntity? {
        try database.rows(
            Self.pointReadSQL, [.text(account), .text(tableKey), .text(partitionKey), .text(rowKey)]
        ) { statement in
            StoredEntity(
                partitionKey: partitionKey, rowKey: rowKey,
                timestamp: PreciseTimestamp(ticksSinceEpoch: statement.integer(at: 0)),
                properties: statement.blob(at: 1))
        }.first
    }

    /// The point read, a search of the primary key on all four of its columns.
    static let pointReadSQL =
        "SELECT timestamp_ticks, properties FROM entities "
        + "WHERE account = ? AND table_key = ? AND partition_key = ? AND row_key = ?"

    /// A table's stored access policy, or `nil` when none was ever set (or the table is missing).
    static func tableACL(
        in database: SQLiteDatabase, account: String, tableKey: String
    ) throws(SQLiteError) -> [UInt8]? {
        try database.rows(
            "SELECT signed_identifiers FROM table_acls WHERE account = ? AND table_key = ?",
            [.text(account), .text(tableKey)]
        ) { statement in statement.blob(at: 0) }.first
    }

    /// A page of an account's tables whose lowercase names come after `afterKey`.
    static func listTables(
        in database: SQLiteDatabase, account: String, afterKey: String?, limit: Int, matching: (String) -> Bool
    ) throws(SQLiteError) -> TableStore.TablePage {
        precondition(limit > 0, "a page must have room for at least one table")
        var sql = "SELECT name FROM tables WHERE account = ?"
        var values: [SQLiteValue] = [.text(account)]
        if let afterKey {
            sql += " AND name_key > ?"
            values.append(.text(afterKey))
        }
        sql += " ORDER BY name_key"
        return try database.withStatement(sql) { statement throws(SQLiteError) in
            try statement.bind(values)
            var names: [String] = []
            while try statement.step() {
                let name = statement.text(at: 0)
                guard matching(name) else {
                    continue
                }
                guard names.count < limit else {
                    // Another match exists, so the caller needs a next page.
                    return TableStore.TablePage(names: names, next: names.last)
                }
                names.append(name)
            }
            return TableStore.TablePage(names: names, next: nil)
        }
    }

    /// One page of entities: scans the key ranges after `after`, keeps those `matching` accepts.
    ///
    /// The page ends after `limit` matches or `scanBudget` examined rows. Before reporting a
    /// continuation it reads one row further, so the last page of a scan says so instead of
    /// sending the client for an empty one.
    static func queryEntities(
        in database: SQLiteDatabase, account: String, tableKey: String, partitionKeyRange: KeyRange,
        rowKeyRange: KeyRange, after: EntityKey?, limit: Int, scanBudget: Int, matching: (StoredEntity) -> Bool
    ) throws(SQLiteError) -> TableStore.EntityPage {
        precondition(limit > 0 && scanBudget > 0, "a page must be allowed to examine and return something")
        guard
            let scan = EntityScan(
                account: account, tableKey: tableKey, partitionKeyRange: partitionKeyRange,
                rowKeyRange: rowKeyRange, after: after)
        else {
            return TableStore.EntityPage(entities: [], continuation: nil)
        }
        return try database.withStatement(scan.sql) { statement throws(SQLiteError) in
            try statement.bind(scan.values)
            var entities: [StoredEntity] = []
            var examined = 0
            var lastExamined: EntityKey?
            while try statement.step() {
                guard entities.count < limit, examined < scanBudget else {
                    return TableStore.EntityPage(entities: entities, continuation: lastExamined)
                }
                let entity = StoredEntity(
                    partitionKey: statement.text(at: 0), rowKey: statement.text(at: 1),
                    timestamp: PreciseTimestamp(ticksSinceEpoch: statement.integer(at: 2)),
                    properties: statement.blob(at: 3))
                examined += 1
                lastExamined = entity.key
                if matching(entity) {
                    entities.append(entity)
                }
            }
            return TableStore.EntityPage(entities: entities, continuation: nil)
        }
    }

    /// The steps of SQLite's plan for a statement (the `detail` column of `EXPLAIN QUERY PLAN`).
    static func queryPlan(
        in database: SQLiteDatabase, sql: String, values: [SQLiteValue]
    ) throws(SQLiteError) -> [String] {
        try database.rows("EXPLAIN QUERY PLAN " + sql, values) { statement in statement.text(at: 3) }
    }
}
