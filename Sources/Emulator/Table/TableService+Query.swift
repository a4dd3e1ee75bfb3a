//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableService {
    /// How many rows one page may examine before it stops and hands back a continuation, as
    /// Azure stops a page after 5 seconds: a selective filter over a large table answers
    /// promptly with an empty page instead of scanning everything at once.
    static let scanBudget = 20_000

    /// Query Entities: `GET /table()` with `$filter`, `$select`, `$top`, `NextPartitionKey`
    /// and `NextRowKey`.
    ///
    /// - Parameter keyRange: The key range of a table SAS; entities outside it are left out.
    func queryEntities(
        _ context: TableRequestContext, table: String, keyRange: TableSASKeyRange?
    ) throws(StorageError) -> HTTPServerResponse {
        let metadata = try Self.negotiateMetadata(context)
        let filter = try FilterExpression.parseOptional(context.query["$filter"])
        let select = try Self.selection(context)
        let top = try Self.pageSize(context)
        let account = context.account.name

        var partitionKeyRange = filter?.keyBounds.partitionKey ?? .unbounded
        let rowKeyRange = filter?.keyBounds.rowKey ?? .unbounded
        var after: EntityKey?
        if let partitionToken = context.query["NextPartitionKey"] {
            let partitionKey = try ContinuationToken.decode(partitionToken, parameter: "NextPartitionKey")
            if let rowToken = context.query["NextRowKey"] {
                let rowKey = try ContinuationToken.decode(rowToken, parameter: "NextRowKey")
                after = EntityKey(partitionKey: partitionKey, rowKey: rowKey)
            } else {
                // Without NextRowKey the page starts at the partition's first row.
                partitionKeyRange.narrowLower(to: KeyBound(partitionKey, inclusive: true))
            }
        }

        let needsProperties = filter.map { !$0.propertyNames.isSubset(of: ["PartitionKey", "RowKey"]) } ?? false
        let page = try self.storeCall { () throws(SQLiteError) in
            try self.store.queryEntities(
                account: account, table: table, partitionKeyRange: partitionKeyRange, rowKeyRange: rowKeyRange,
                after: after, limit: top, scanBudget: Self.scanBudget
            ) { stored in
                if let keyRange, !keyRange.contains(partitionKey: stored.partitionKey, rowKey: stored.rowKey) {
                    return false
                }
                guard let filter else { return true }
                let properties = needsProperties ? (try? EntityProperties(storageBytes: stored.properties)) : nil
                return filter.matches { name in
                    switch name {
                    case "PartitionKey": .string(stored.partitionKey)
                    case "RowKey": .string(stored.rowKey)
                    case "Timestamp": .dateTime(stored.timestamp)
                    default: properties?[name]
                    }
                }
            }
        }
        if page.entities.isEmpty, page.continuation == nil, after == nil {
            // Azure answers an empty result for an existing table, and 404 for a missing one.
            let exists = try self.storeCall { () throws(SQLiteError) in
                try self.store.tableExists(account: account, name: table)
            }
            guard exists != nil else { throw .tableNotFound() }
        }

        var entities: [TableEntity] = []
        entities.reserveCapacity(page.entities.count)
        for stored in page.entities {
            entities.append(try Self.entity(from: stored))
        }
        var headers = HTTPHeaders()
        if let continuation = page.continuation {
            headers.add(
                name: "x-ms-continuation-NextPartitionKey", value: ContinuationToken.encode(continuation.partitionKey))
            headers.add(name: "x-ms-continuation-NextRowKey", value: ContinuationToken.encode(continuation.rowKey))
        }
        let entityContext = EntityJSONContext(baseURL: context.baseURL, accountName: account, tableName: table)
        let body = EntityJSON.encodeQueryResponse(
            entities: entities, metadata: metadata, context: entityContext, select: select)
        return self.jsonResponse(status: 200, body: body, metadata: metadata, headers: headers)
    }
}
