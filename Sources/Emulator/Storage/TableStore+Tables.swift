//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension TableStore {
    /// Creates a table, unless one with the same name in any letter case exists.
    ///
    /// - Parameters:
    ///   - account: The storage account.
    ///   - name: The table name, kept as spelled; already validated by the Table service.
    package func createTable(account: String, name: String) throws(SQLiteError) -> TableCreation {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.createTable(account: account, name: name)
        }
    }

    /// Deletes a table with all its entities and its access policy, in one transaction.
    ///
    /// Deleting a table of a million entities rewrites much of the database, so it takes a
    /// while and holds the write lock meanwhile.
    package func deleteTable(account: String, name: String) throws(SQLiteError) -> TableDeletion {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.deleteTable(account: account, name: name)
        }
    }

    /// The table's name as it was created, or `nil` when no table has this name in any case.
    package func tableExists(account: String, name: String) throws(SQLiteError) -> String? {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.tableName(in: database, account: account, tableKey: Self.tableKey(name))
        }
    }

    /// One page of an account's tables, in the order of their lowercase names (UTF-8 bytes).
    ///
    /// - Parameters:
    ///   - account: The storage account.
    ///   - after: Start after this table name (in any case), such as a previous page's
    ///     ``TablePage/next``; `nil` to start at the beginning.
    ///   - limit: The most names to return; at least 1.
    ///   - matching: Which names to include, for `$filter` on `TableName`; all by default. Must
    ///     not call the store.
    /// - Returns: The names, and where the next page starts if another matching table exists.
    package func listTables(
        account: String, after: String?, limit: Int, matching: (String) -> Bool = { _ in true }
    ) throws(SQLiteError) -> TablePage {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.listTables(
                in: database, account: account, afterKey: after.map(Self.tableKey), limit: limit, matching: matching)
        }
    }

    /// The table's access policy (its signed identifiers, encoded by the Table service), or `nil`
    /// when none was ever set — or when the table does not exist, which the caller checks with
    /// ``tableExists(account:name:)``.
    package func tableACL(account: String, name: String) throws(SQLiteError) -> [UInt8]? {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.tableACL(in: database, account: account, tableKey: Self.tableKey(name))
        }
    }

    /// Stores a table's access policy (its signed identifiers, encoded by the Table service),
    /// replacing any earlier one.
    package func setTableACL(
        account: String, name: String, signedIdentifiers: [UInt8]
    ) throws(SQLiteError) -> ACLUpdate {
        try self.writeTransaction { transaction throws(SQLiteError) in
            try transaction.setTableACL(account: account, name: name, signedIdentifiers: signedIdentifiers)
        }
    }
}
