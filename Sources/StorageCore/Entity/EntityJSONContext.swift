//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Where a response is served from: what ``EntityJSON`` needs to write the `odata.metadata`,
/// `odata.type` and `odata.id` annotations.
package struct EntityJSONContext: Sendable, Hashable {
    /// The account's base URL without a trailing slash: `http://127.0.0.1:10002/devstoreaccount1`
    /// for a path-style emulator, `https://account.table.core.windows.net` in production.
    package var baseURL: String
    /// The account name, the namespace of `odata.type` (`devstoreaccount1.mytable`).
    package var accountName: String
    /// The table the entities belong to; unused for table-list responses.
    package var tableName: String

    /// Creates a context.
    package init(baseURL: String, accountName: String, tableName: String) {
        self.baseURL = baseURL
        self.accountName = accountName
        self.tableName = tableName
    }
}
