//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
public import StorageCore

extension TableClient {
    /// Inserts an entity that must not exist yet.
    ///
    /// - Parameters:
    ///   - entity: The entity; its ``StorageCore/TableEntity/timestamp`` is ignored.
    ///   - returnContent: Whether the service should echo the stored entity into
    ///     ``TableWriteResult/entity``. Off by default (`Prefer: return-no-content`), which
    ///     saves the body: the ETag and timestamp come back either way.
    /// - Throws: ``StorageCore/StorageError`` 409 `EntityAlreadyExists` when the row exists,
    ///   404 `TableNotFound` when the table does not, 400 for invalid keys or properties.
    public func insert(_ entity: TableEntity, returnContent: Bool = false) async throws -> TableWriteResult {
        let response = try await self.pipeline.send(
            StorageRequest(
                method: "POST", path: "/" + self.encodedTableName,
                headers: [
                    "Content-Type": Self.contentTypeJSON,
                    "Prefer": returnContent ? "return-content" : "return-no-content",
                ],
                body: entity.requestBody))
        var echoed: DecodedResponseEntity?
        if returnContent {
            echoed = try Self.decodeEntityBody(response)
        }
        let etag = response.headers["ETag"] ?? echoed?.etag
        guard let etag else {
            throw StorageResponseError(
                status: response.status, message: "The insert response has no ETag.", requestID: response.requestID)
        }
        return TableWriteResult(
            etag: etag, timestamp: TableETag.timestamp(from: etag) ?? echoed?.entity.timestamp,
            serverDate: response.serverDate, entity: echoed?.entity)
    }

    /// Reads one entity.
    ///
    /// - Parameters:
    ///   - partitionKey: The entity's partition key.
    ///   - rowKey: The entity's row key.
    ///   - select: The properties to read, or `nil` for all. The keys and the timestamp are
    ///     always filled in; a selected property the entity lacks is left out.
    /// - Throws: ``StorageCore/StorageError`` 404 `ResourceNotFound` when there is no such
    ///   entity, 404 `TableNotFound` when there is no such table.
    public func entity(partitionKey: String, rowKey: String, select: [String]? = nil) async throws -> TableReadResult {
        var query = QueryParameters()
        if let select, !select.isEmpty {
            query.append(name: "$select", value: select.joined(separator: ","))
        }
        let response = try await self.pipeline.send(
            StorageRequest(
                method: "GET", path: self.entityPath(partitionKey: partitionKey, rowKey: rowKey), query: query))
        let decoded = try Self.decodeEntityBody(response, partitionKey: partitionKey, rowKey: rowKey)
        guard let etag = response.headers["ETag"] ?? decoded.etag else {
            throw StorageResponseError(
                status: response.status, message: "The entity response has no ETag.", requestID: response.requestID)
        }
        var entity = decoded.entity
        if entity.timestamp == nil { entity.timestamp = TableETag.timestamp(from: etag) }
        return TableReadResult(entity: entity, etag: etag, serverDate: response.serverDate)
    }

    /// Reads one entity, or `nil` when the table has no such entity.
    ///
    /// - Throws: ``StorageCore/StorageError`` for other refusals; notably 404 `TableNotFound`
    ///   still throws, since a missing table is a configuration problem, not a missing row.
    public func entityIfExists(
        partitionKey: String, rowKey: String, select: [String]? = nil
    ) async throws -> TableReadResult? {
        do {
            return try await self.entity(partitionKey: partitionKey, rowKey: rowKey, select: select)
        } catch let error as StorageError where error.status == 404 && error.code == .resourceNotFound {
            return nil
        }
    }

    /// Updates an existing entity if its version matches.
    ///
    /// - Parameters:
    ///   - entity: The new entity, addressed by its keys.
    ///   - mode: ``TableUpdateMode/replace`` to store exactly `entity`'s properties,
    ///     ``TableUpdateMode/merge`` to overwrite or add only those.
    ///   - ifMatch: ``ETagCondition/any`` (`If-Match: *`) or the ETag of the version to change.
    /// - Throws: ``StorageCore/StorageError`` 412 `UpdateConditionNotSatisfied` when the
    ///   stored version differs, 404 `ResourceNotFound` when there is no such entity, 400
    ///   `InvalidInput` for an ETag that is not one.
    @discardableResult
    public func update(
        _ entity: TableEntity, mode: TableUpdateMode = .replace, ifMatch: ETagCondition
    ) async throws -> TableWriteResult {
        try await self.write(entity, method: mode.method, ifMatch: ifMatch)
    }

    /// Inserts the entity, or updates it whatever its current version (no `If-Match`).
    ///
    /// - Parameters:
    ///   - entity: The entity.
    ///   - mode: With ``TableUpdateMode/merge`` an existing entity keeps the properties that
    ///     `entity` lacks; with ``TableUpdateMode/replace`` it loses them.
    /// - Throws: ``StorageCore/StorageError`` 404 `TableNotFound` when there is no such table,
    ///   400 for invalid keys or properties.
    @discardableResult
    public func upsert(_ entity: TableEntity, mode: TableUpdateMode = .replace) async throws -> TableWriteResult {
        try await self.write(entity, method: mode.method, ifMatch: nil)
    }

    /// Deletes an existing entity if its version matches.
    ///
    /// - Parameter ifMatch: ``ETagCondition/any`` or the ETag of the version to delete.
    /// - Throws: ``StorageCore/StorageError`` 404 `ResourceNotFound` when there is no such
    ///   entity (unlike the Python SDK, which swallows it), 412 `UpdateConditionNotSatisfied`
    ///   when the stored version differs.
    public func delete(partitionKey: String, rowKey: String, ifMatch: ETagCondition) async throws {
        _ = try await self.pipeline.send(
            StorageRequest(
                method: "DELETE", path: self.entityPath(partitionKey: partitionKey, rowKey: rowKey),
                headers: ["If-Match": ifMatch.headerValue]))
    }

    // MARK: - Helpers

    /// `PUT` or `PATCH` at the entity's URL, with `If-Match` for an update and without for an
    /// upsert.
    private func write(_ entity: TableEntity, method: String, ifMatch: ETagCondition?) async throws -> TableWriteResult
    {
        var headers: HTTPHeaders = ["Content-Type": Self.contentTypeJSON, "Accept": "application/json"]
        if let ifMatch { headers.add(name: "If-Match", value: ifMatch.headerValue) }
        let response = try await self.pipeline.send(
            StorageRequest(
                method: method, path: self.entityPath(partitionKey: entity.partitionKey, rowKey: entity.rowKey),
                headers: headers, body: entity.requestBody))
        guard let etag = response.headers["ETag"] else {
            throw StorageResponseError(
                status: response.status, message: "The write response has no ETag.", requestID: response.requestID)
        }
        return TableWriteResult(etag: etag, timestamp: TableETag.timestamp(from: etag), serverDate: response.serverDate)
    }

    /// The single entity of a response body.
    static func decodeEntityBody(
        _ response: HTTPClientResponse, partitionKey: String? = nil, rowKey: String? = nil
    ) throws(StorageResponseError) -> DecodedResponseEntity {
        let document: JSONValue
        do {
            document = try JSONParser.parse(response.body)
        } catch {
            throw StorageResponseError(
                status: response.status, message: "The body is not JSON: \(error).", requestID: response.requestID)
        }
        do {
            return try TableEntity.decodeResponse(
                document, partitionKey: partitionKey, rowKey: rowKey, status: response.status)
        } catch {
            var error = error
            error.requestID = response.requestID
            throw error
        }
    }
}
