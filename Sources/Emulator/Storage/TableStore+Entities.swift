//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

// Single-entity operations, each its own transaction. Conditional writes (If-Match), merges and
// batches need a read and a write under one lock: they use `transaction(_:)` instead.
extension TableStore {
    /// The entity with these keys as last committed, or `nil` when it does not exist.
    ///
    /// A missing table also reads as `nil`; the caller tells the two apart with
    /// ``tableExists(account:name:)``. The read is a search of the primary key, O(log n).
    package func entity(
        account: String, table: String, partitionKey: String, rowKey: String
    ) throws(SQLiteError) -> StoredEntity? {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.entity(
                in: database, account: account, tableKey: Self.tableKey(table), partitionKey: partitionKey,
                rowKey: rowKey)
        }
    }

    /// Inserts an entity that must not exist yet (Insert Entity).
    ///
    /// - Returns: The new timestamp once committed, or why nothing was written.
    package func insert(
        account: String, table: String, partitionKey: String, rowKey: String, properties: [UInt8]
    ) throws(SQLiteError) -> EntityInsertion {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.insert(
                account: account, table: table, partitionKey: partitionKey, rowKey: rowKey, properties: properties)
        }
    }

    /// Stores an entity whether or not it exists, replacing all its properties (Insert Or
    /// Replace without `If-Match`).
    ///
    /// - Returns: The new timestamp once committed, or `.tableNotFound`.
    package func write(
        account: String, table: String, partitionKey: String, rowKey: String, properties: [UInt8]
    ) throws(SQLiteError) -> EntityWrite {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.write(
                account: account, table: table, partitionKey: partitionKey, rowKey: rowKey, properties: properties)
        }
    }

    /// Deletes an entity unconditionally (Delete Entity with `If-Match: *`).
    package func delete(
        account: String, table: String, partitionKey: String, rowKey: String
    ) throws(SQLiteError) -> EntityDeletion {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.delete(account: account, table: table, partitionKey: partitionKey, rowKey: rowKey)
        }
    }

    /// A new timestamp, later than every one issued before, recorded durably before it is
    /// returned. Writes issue their own; this is for callers that need one on its own.
    package func nextTimestamp() throws(SQLiteError) -> PreciseTimestamp {
        try self.writeTransaction { transaction in transaction.nextTimestamp() }
    }
}
