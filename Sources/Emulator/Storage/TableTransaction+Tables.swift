//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

// Table-level writes. The Table service reaches them through the TableStore methods of the same
// names, each of which is a transaction of its own; batches never create or delete tables.
extension TableTransaction {
    /// Creates a table unless one with the same name in any letter case exists.
    func createTable(account: String, name: String) throws(SQLiteError) -> TableStore.TableCreation {
        let tableKey = TableStore.tableKey(name)
        let created = try self.database.execute(
            "INSERT INTO tables (account, name_key, name, created_ticks) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [.text(account), .text(tableKey), .text(name), .integer(self.nextTimestamp().ticksSinceEpoch)])
        if created == 1 {
            return .created
        }
        let existing = try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey)
        return .alreadyExists(existingName: existing ?? name)
    }

    /// Deletes a table with its entities and access policy.
    func deleteTable(account: String, name: String) throws(SQLiteError) -> TableStore.TableDeletion {
        let tableKey = TableStore.tableKey(name)
        let key: [SQLiteValue] = [.text(account), .text(tableKey)]
        guard try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey) != nil
        else {
            return .notFound
        }
        // Dependants first, so that the foreign keys hold at every step.
        try self.database.execute("DELETE FROM entities WHERE account = ? AND table_key = ?", key)
        try self.database.execute("DELETE FROM table_acls WHERE account = ? AND table_key = ?", key)
        try self.database.execute("DELETE FROM tables WHERE account = ? AND name_key = ?", key)
        return .deleted
    }

    /// Stores a table's access policy, replacing any earlier one.
    func setTableACL(
        account: String, name: String, signedIdentifiers: [UInt8]
    ) throws(SQLiteError) -> TableStore.ACLUpdate {
        let tableKey = TableStore.tableKey(name)
        guard try TableStoreReads.tableName(in: self.database, account: account, tableKey: tableKey) != nil
        else {
            return .tableNotFound
        }
        try self.database.execute(
            "INSERT INTO table_acls (account, table_key, signed_identifiers) VALUES (?, ?, ?) "
                + "ON CONFLICT (account, table_key) DO UPDATE SET signed_identifiers = excluded.signed_identifiers",
            [.text(account), .text(tableKey), .blob(signedIdentifiers)])
        return .updated
    }
}
