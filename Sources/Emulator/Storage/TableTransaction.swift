//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

/// Reads and writes inside one ``TableStore`` transaction: everything done through it commits
/// together or not at all.
///
/// The Table service uses a transaction wherever a decision depends on what is stored — an
/// update with `If-Match`, a merge, an entity group transaction (`$batch`) — because the write
/// lock is held from the first read to the commit, so nothing can change in between:
///
/// ```swift
/// let outcome = try store.transaction { transaction in
///     guard let current = try transaction.entity(account: a, table: t, partitionKey: p, rowKey: r)
///     else { return Outcome.notFound }
///     guard current.timestamp == expected else { return Outcome.preconditionFailed }
///     return Outcome.updated(try transaction.write(account: a, table: t, partitionKey: p, rowKey: r,
///                                                  properties: merged(current.properties)))
/// }
/// ```
///
/// A transaction is valid only inside the closure it was passed to, on that closure's thread:
/// it is not `Sendable`, and using it after the closure returns stops the process. Reads see
/// the transaction's own uncommitted writes. Table names are case-insensitive everywhere.
package struct TableTransaction {
    /// The writer whose transaction this is.
    private let writer: TableStoreWriter
    /// Which of the writer's transactions this is.
    private let number: UInt64

    /// Wraps the writer's transaction number `number`.
    init(writer: TableStoreWriter, number: UInt64) {
        self.writer = writer
        self.number = number
    }

    /// The write connection, after checking that this transaction is still the open one.
    var database: SQLiteDatabase {
        precondition(self.writer.openTransaction == self.number, "a TableTransaction was used outside its closure")
        return self.writer.database
    }

    // MARK: Reading

    /// The table's name as it was created, or `nil` when no table has this name in any case.
    package func tableExists(account: String, name: String) throws(SQLiteError) -> String? {
        try TableStoreReads.tableName(in: self.database, account: account, tableKey: TableStore.tableKey(name))
    }

    /// The entity with these keys, or `nil` when it (or its table) does not exist.
    package func entity(
        account: String, table: String, partitionKey: String, rowKey: String
    ) throws(SQLiteError) -> StoredEntity? {
        try TableStoreReads.entity(
            in: self.database, account: account, tableKey: TableStore.tableKey(table), partitionKey: partitionKey,
            rowKey: rowKey)
    }

    // MARK: Writing

    /// A new timestamp, later than every timestamp issued before, for a caller that needs one
    /// beyond those the writes below issue themselves.
    package func nextTimestamp() -> PreciseTimestamp {
        precondition(self.writer.openTransaction == self.number, "a TableTransaction was used outside its closure")
        return self.writer.nextTimestamp()
    }

    /// Inserts an entity that must not exist yet, stamping it with a new timestamp.
    package func insert(
        account: String, table: String, partitionKey: String, rowKey: String, properties: [UInt8]
    ) throws(SQLiteError) -> TableStore.EntityInsertion {
        let tableKey = TableStore.tableKey(table)
        guard try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey) != nil else {
            return .tableNotFound
        }
        let timestamp = self.nextTimestamp()
        let inserted = try self.database.execute(
            "INSERT INTO entities (account, table_key, partition_key, row_key, timestamp_ticks, properties) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                .text(account), .text(tableKey), .text(partitionKey), .text(rowKey),
                .integer(timestamp.ticksSinceEpoch), .blob(properties),
            ])
        return inserted == 1 ? .inserted(timestamp) : .alreadyExists
    }

    /// Stores an entity whether or not it exists, replacing all of an existing one's properties
    /// and stamping it with a new timestamp.
    ///
    /// Replace and merge are both this call: for a merge, read the entity first and write the
    /// combined properties.
    package func write(
        account: String, table: String, partitionKey: String, rowKey: String, properties: [UInt8]
    ) throws(SQLiteError) -> TableStore.EntityWrite {
        let tableKey = TableStore.tableKey(table)
        guard try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey) != nil else {
            return .tableNotFound
        }
        let timestamp = self.nextTimestamp()
        try self.database.execute(
            "INSERT INTO entities (account, table_key, partition_key, row_key, timestamp_ticks, properties) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (account, table_key, partition_key, row_key) "
                + "DO UPDATE SET timestamp_ticks = excluded.timestamp_ticks, properties = excluded.properties",
            [
                .text(account), .text(tableKey), .text(partitionKey), .text(rowKey),
                .integer(timestamp.ticksSinceEpoch), .blob(properties),
            ])
        return .written(timestamp)
    }

    /// Deletes the entity with these keys.
    package func delete(
        account: String, table: String, partitionKey: String, rowKey: String
    ) throws(SQLiteError) -> TableStore.EntityDeletion {
        let tableKey = TableStore.tableKey(table)
        let deleted = try self.database.execute(
            "DELETE FROM entities WHERE account = ? AND table_key = ? AND partition_key = ? AND row_key = ?",
            [.text(account), .text(tableKey), .text(partitionKey), .text(rowKey)])
        if deleted == 1 {
            return .deleted
        }
        let tableExists = try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey)
        return tableExists == nil ? .tableNotFound : .notFound
    }
}

// Spelled out because the compiler would otherwise infer `Sendable` for this struct of a
// `Sendable` writer and a number: a transaction must stay on the thread that holds the lock.
@available(*, unavailable)
extension TableTransaction: Sendable {}
