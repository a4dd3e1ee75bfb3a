//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

extension TableStore {
    /// One page of a table's entities in (PartitionKey, RowKey) order, filtered in Swift.
    ///
    /// The scan reads the entities of `table` that lie in both key ranges and come strictly
    /// after `after`, as one range scan of the primary key (see ``EntityScan``), and offers each
    /// to `matching`. It stops once `limit` entities matched or `scanBudget` entities were
    /// examined, whichever comes first; entities outside the key ranges are skipped by SQLite
    /// and do not count against the budget. The budget bounds the time one page takes when few
    /// entities match, as Azure bounds a page to 5 seconds.
    ///
    /// Paging by key makes every entity that exists throughout a listing appear exactly once,
    /// whatever is inserted or deleted between pages: each page starts strictly after the last
    /// key the previous one examined, so nothing is repeated, and nothing that stayed is
    /// skipped. An entity inserted behind the continuation point is not seen; one inserted
    /// ahead of it is. Each page is read from one consistent snapshot.
    ///
    /// - Parameters:
    ///   - account: The storage account.
    ///   - table: The table name, in any case. A missing table reads as empty; the caller
    ///     checks ``tableExists(account:name:)`` first.
    ///   - partitionKeyRange: The PartitionKeys to scan; all by default.
    ///   - rowKeyRange: The RowKeys to scan within each partition; all by default.
    ///   - after: Where the previous page stopped (its ``EntityPage/continuation``), or `nil`.
    ///   - limit: The most entities to return; at least 1. Azure's maximum page is 1000.
    ///   - scanBudget: The most entities to examine; at least 1.
    ///   - matching: Decides whether an entity belongs in the result, for the rest of the
    ///     `$filter`. It runs on the calling thread while a database connection is held, so it
    ///     must be quick and must not call the store.
    /// - Returns: The matching entities, and a continuation when more may follow.
    package func queryEntities(
        account: String, table: String, partitionKeyRange: KeyRange = .unbounded,
        rowKeyRange: KeyRange = .unbounded, after: EntityKey?, limit: Int, scanBudget: Int,
        matching: (StoredEntity) -> Bool
    ) throws(SQLiteError) -> EntityPage {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.queryEntities(
                in: database, account: account, tableKey: Self.tableKey(table), partitionKeyRange: partitionKeyRange,
                rowKeyRange: rowKeyRange, after: after, limit: limit, scanBudget: scanBudget, matching: matching)
        }
    }

    /// SQLite's plan for the scan ``queryEntities(account:table:partitionKeyRange:rowKeyRange:after:limit:scanBudget:matching:)``
    /// would run, one step per line: for tests and diagnostics, to show that it is a range
    /// scan of the primary key (`SEARCH entities USING PRIMARY KEY (…)`) and needs no sort.
    ///
    /// - Returns: The steps, or none when the arguments leave nothing to scan.
    package func queryPlanForEntityScan(
        account: String, table: String, partitionKeyRange: KeyRange = .unbounded,
        rowKeyRange: KeyRange = .unbounded, after: EntityKey?
    ) throws(SQLiteError) -> [String] {
        guard
            let scan = EntityScan(
                account: account, tableKey: Self.tableKey(table), partitionKeyRange: partitionKeyRange,
                rowKeyRange: rowKeyRange, after: after)
        else { return [] }
        return try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.queryPlan(in: database, sql: scan.sql, values: scan.values)
        }
    }

    /// SQLite's plan for the point read ``entity(account:table:partitionKey:rowKey:)``: for
    /// tests and diagnostics, to show that it searches the primary key on all four columns.
    package func queryPlanForPointRead() throws(SQLiteError) -> [String] {
        try self.withReader { database throws(SQLiteError) in
            try TableStoreReads.queryPlan(
                in: database, sql: TableStoreReads.pointReadSQL,
                values: [.text("account"), .text("table"), .text("partition"), .text("row")])
        }
    }
}
