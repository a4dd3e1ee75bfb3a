//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension TableStore {
    /// The account's service properties document, as the Table service last stored it, or
    /// `nil` when never set.
    package func serviceProperties(account: String) throws(SQLiteError) -> [UInt8]? {
        try self.withReader { database throws(SQLiteError) in
            try database.rows(
                "SELECT properties FROM service_properties WHERE account = ?", [.text(account)]
            ) { statement in statement.blob(at: 0) }.first
        }
    }

    /// Stores the account's service properties document, replacing the earlier one.
    package func setServiceProperties(account: String, properties: [UInt8]) throws(SQLiteError) {
        try self.writeTransaction { transaction throws(SQLiteError) in
            _ = try transaction.database.execute(
                "INSERT INTO service_properties (account, properties) VALUES (?, ?) "
                    + "ON CONFLICT (account) DO UPDATE SET properties = excluded.properties",
                [.text(account), .blob(properties)])
        }
    }
}
