//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// One entity write, as a standalone request or a `$batch` part carries it.
///
/// Whether `PUT` and `MERGE` insert or update depends only on `If-Match`, so the kind is decided
/// when the request is read, and the same code then applies it inside a store transaction.
struct EntityWrite: Sendable {
    enum Kind: Sendable, Equatable {
        /// Insert Entity: the row must not exist.
        case insert
        /// Update Entity (`PUT` with `If-Match`): replace every property of an existing row.
        case replace
        /// Merge Entity (`MERGE`/`PATCH` with `If-Match`): overwrite or add properties.
        case merge
        /// Insert Or Replace (`PUT` without `If-Match`).
        case insertOrReplace
        /// Insert Or Merge (`MERGE`/`PATCH` without `If-Match`).
        case insertOrMerge
        /// Delete Entity (`If-Match` required, `*` allowed).
        case delete
    }

    var kind: Kind
    var address: EntityAddress
    /// The `If-Match` value, when the kind takes one.
    var ifMatch: String?
    /// The body's properties; empty for a delete.
    var properties: EntityProperties

    /// What a write did, for the response.
    struct Outcome: Sendable {
        /// 201 for an insert, 204 for everything else.
        var status: Int
        /// The entity as stored, for an insert's echo and every write's ETag; `nil` after a delete.
        var entity: TableEntity?
    }

    /// Reads a write from its method, headers and body.
    ///
    /// - Throws: 400 errors for a malformed body, keys that differ from the URL's, a malformed
    ///   `If-Match`, or a delete without `If-Match`; 405 for a method that writes nothing.
    init(method: String, address: EntityAddress, ifMatch: String?, body: [UInt8]) throws(StorageError) {
        self.address = address
        self.ifMatch = ifMatch
        switch method {
        case "PUT": self.kind = ifMatch == nil ? .insertOrReplace : .replace
        case "MERGE", "PATCH": self.kind = ifMatch == nil ? .insertOrMerge : .merge
        case "DELETE":
            guard ifMatch != nil else { throw .missingRequiredHeader("If-Match") }
            self.kind = .delete
        default:
            throw .methodNotAllowed()
        }
        if let ifMatch, ifMatch != "*", !TableETag.isWellFormed(ifMatch) {
            throw .invalidInput("The etag value '\(ifMatch)' specified in one of the request headers is not valid.")
        }
        guard self.kind != .delete else {
            self.properties = EntityProperties()
            return
        }
        let decoded = try EntityJSON.decode(body)
        if let partitionKey = decoded.partitionKey, partitionKey != address.partitionKey {
            throw .invalidInput("The PartitionKey in the body differs from the one in the request URI.")
        }
        if let rowKey = decoded.rowKey, rowKey != address.rowKey {
            throw .invalidInput("The RowKey in the body differs from the one in the request URI.")
        }
        self.properties = decoded.properties
    }

    /// Reads an Insert Entity body, whose keys come from the body itself.
    init(insertInto table: String, body: [UInt8]) throws(StorageError) {
        let entity = try EntityJSON.decode(body).requiringKeys()
        self.kind = .insert
        self.address = EntityAddress(table: table, partitionKey: entity.partitionKey, rowKey: entity.rowKey)
        self.ifMatch = nil
        self.properties = entity.properties
    }

    /// The permission a SAS must grant for this write.
    var sasRequirement: SASAccessRequirement {
        switch self.kind {
        case .insert: .insertEntity
        case .replace, .merge: .updateEntity
        case .insertOrReplace, .insertOrMerge: .upsertEntity
        case .delete: .deleteEntity
        }
    }

    /// Applies the write inside `transaction`.
    ///
    /// - Throws: The Azure error for the outcome: 404 `TableNotFound` or `ResourceNotFound`,
    ///   409 `EntityAlreadyExists`, 412 `UpdateConditionNotSatisfied`, 400 limits.
    func apply(in transaction: TableTransaction, account: String) throws -> Outcome {
        let address = self.address
        try TableValidation.validateKey(address.partitionKey, name: "PartitionKey")
        try TableValidation.validateKey(address.rowKey, name: "RowKey")
        guard try transaction.tableExists(account: account, name: address.table) != nil else {
            throw StorageError.tableNotFound()
        }
        let existing = try transaction.entity(
            account: account, table: address.table, partitionKey: address.partitionKey, rowKey: address.rowKey)
        switch self.kind {
        case .insert:
            guard existing == nil else { throw StorageError.entityAlreadyExists() }
            return try self.store(self.properties, in: transaction, account: account, status: 201)
        case .insertOrReplace:
            return try self.store(self.properties, in: transaction, account: account, status: 204)
        case .insertOrMerge:
            var properties =
                try existing.map { try EntityProperties(storageBytes: $0.properties) } ?? EntityProperties()
            properties.merge(self.properties)
            return try self.store(properties, in: transaction, account: account, status: 204)
        case .replace, .merge, .delete:
            guard let existing else { throw StorageError.resourceNotFound() }
            try self.checkIfMatch(existing)
            if self.kind == .delete {
                _ = try transaction.delete(
                    account: account, table: address.table, partitionKey: address.partitionKey, rowKey: address.rowKey)
                return Outcome(status: 204, entity: nil)
            }
            var properties = self.properties
            if self.kind == .merge {
                properties = try EntityProperties(storageBytes: existing.properties)
                properties.merge(self.properties)
            }
            return try self.store(properties, in: transaction, account: account, status: 204)
        }
    }

    private func checkIfMatch(_ existing: StoredEntity) throws(StorageError) {
        guard let ifMatch = self.ifMatch, ifMatch != "*" else { return }
        guard ifMatch == TableETag.make(existing.timestamp) else {
            throw .updateConditionNotSatisfied()
        }
    }

    private func store(
        _ properties: EntityProperties, in transaction: TableTransaction, account: String, status: Int
    ) throws -> Outcome {
        var entity = TableEntity(
            partitionKey: self.address.partitionKey, rowKey: self.address.rowKey, properties: properties)
        try EntityLimits.validate(entity)
        let result = try transaction.write(
            account: account, table: self.address.table, partitionKey: entity.partitionKey, rowKey: entity.rowKey,
            properties: properties.storageBytes)
        switch result {
        case .written(let timestamp):
            entity.timestamp = timestamp
            return Outcome(status: status, entity: entity)
        case .tableNotFound:
            throw StorageError.tableNotFound()
        }
    }
}
