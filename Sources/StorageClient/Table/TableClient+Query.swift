//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

extension TableClient {
    /// A query of the table's entities, sent when iterated.
    ///
    /// - Parameters:
    ///   - filter: The entities to return, built from typed values so that user data can never
    ///     change the filter's meaning; `nil` for every entity.
    ///   - select: The properties to return, or `nil` for all. `PartitionKey` and `RowKey` are
    ///     always asked for too, and the timestamp is always filled in.
    ///   - pageSize: The most entities per request (`$top`, 1 to 1000); `nil` lets the service
    ///     choose (at most 1000).
    public func query(filter: TableFilter? = nil, select: [String]? = nil, pageSize: Int? = nil) -> TableQuery {
        TableQuery(client: self, filter: filter?.description, select: select, pageSize: pageSize)
    }

    /// A query with `$filter` text the caller already has, sent as given.
    ///
    /// > Important: Never build `rawFilter` by pasting user data into text; use
    /// > ``query(filter:select:pageSize:)`` with a ``StorageCore/TableFilter``, which quotes
    /// > values safely.
    ///
    /// - Parameters:
    ///   - rawFilter: OData `$filter` text, such as `PartitionKey eq 'jobs'`; empty for every
    ///     entity.
    ///   - select: As in ``query(filter:select:pageSize:)``.
    ///   - pageSize: As in ``query(filter:select:pageSize:)``.
    public func query(rawFilter: String, select: [String]? = nil, pageSize: Int? = nil) -> TableQuery {
        TableQuery(client: self, filter: rawFilter.isEmpty ? nil : rawFilter, select: select, pageSize: pageSize)
    }

    /// Fetches one page of `query`.
    func queryPage(_ query: TableQuery, continuation: TableContinuationToken?) async throws -> TableQueryPage {
        var parameters = QueryParameters()
        if let pageSize = query.pageSize {
            parameters.append(name: "$top", value: String(pageSize))
        }
        if let select = query.select, !select.isEmpty {
            var names = select
            for key in ["PartitionKey", "RowKey"] where !names.contains(key) { names.append(key) }
            parameters.append(name: "$select", value: names.joined(separator: ","))
        }
        if let filter = query.filter {
            parameters.append(name: "$filter", value: filter)
        }
        if let continuation {
            parameters.append(name: "NextPartitionKey", value: continuation.nextPartitionKey)
            if let nextRowKey = continuation.nextRowKey {
                parameters.append(name: "NextRowKey", value: nextRowKey)
            }
        }
        let response = try await self.pipeline.send(
            StorageRequest(method: "GET", path: "/" + self.encodedTableName + "()", query: parameters))

        let document: JSONValue
        do {
            document = try JSONParser.parse(response.body)
        } catch {
            throw StorageResponseError(
                status: response.status, message: "The query body is not JSON: \(error).",
                requestID: response.requestID)
        }
        guard let values = document["value"]?.arrayValue else {
            throw StorageResponseError(
                status: response.status, message: "The query body has no 'value' array.", requestID: response.requestID)
        }
        var entities: [TableEntity] = []
        var etags: [String] = []
        entities.reserveCapacity(values.count)
        etags.reserveCapacity(values.count)
        for value in values {
            let decoded: DecodedResponseEntity
            do {
                decoded = try TableEntity.decodeResponse(value, status: response.status)
            } catch {
                var error = error
                error.requestID = response.requestID
                throw error
            }
            entities.append(decoded.entity)
            etags.append(decoded.etag ?? decoded.entity.etag ?? "")
        }

        var next: TableContinuationToken?
        if let nextPartitionKey = response.headers["x-ms-continuation-NextPartitionKey"], !nextPartitionKey.isEmpty {
            let nextRowKey = response.headers["x-ms-continuation-NextRowKey"].flatMap { $0.isEmpty ? nil : $0 }
            next = TableContinuationToken(nextPartitionKey: nextPartitionKey, nextRowKey: nextRowKey)
        }
        return TableQueryPage(entities: entities, etags: etags, continuation: next, serverDate: response.serverDate)
    }
}
