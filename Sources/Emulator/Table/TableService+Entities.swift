//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableService {
    /// Insert Entity: `POST /table` with the entity, keys included, in the body.
    func insertEntity(
        _ context: TableRequestContext, table: String, credential: RequestCredential
    ) throws(StorageError) -> HTTPServerResponse {
        let metadata = try Self.negotiateMetadata(context)
        try Self.checkContentType(context)
        let write = try EntityWrite(insertInto: table, body: context.request.body)
        try self.authorize(
            credential, context, write.sasRequirement, table: table, partitionKey: write.address.partitionKey,
            rowKey: write.address.rowKey)
        let outcome = try self.perform(write, account: context.account.name)
        guard let entity = outcome.entity, let etag = entity.etag else { throw .internalError() }

        var headers: HTTPHeaders = [
            "ETag": etag,
            "Location": "\(context.baseURL)/"
                + EntityJSON.entityPath(table: table, partitionKey: entity.partitionKey, rowKey: entity.rowKey),
        ]
        let preference = Self.preference(context)
        if let preference { headers.add(name: "Preference-Applied", value: preference.rawValue) }
        if preference == .returnNoContent {
            headers.add(name: "DataServiceId", value: headers["Location"] ?? "")
            return HTTPServerResponse(status: 204, headers: headers)
        }
        let entityContext = EntityJSONContext(
            baseURL: context.baseURL, accountName: context.account.name, tableName: table)
        let json = EntityJSON.encode(entity, metadata: metadata, context: entityContext)
        return self.jsonResponse(status: 201, body: JSONWriter.bytes(json), metadata: metadata, headers: headers)
    }

    /// Get, update, merge, upsert or delete one entity at its URL.
    func entityRequest(
        _ context: TableRequestContext, address: EntityAddress, credential: RequestCredential
    ) throws(StorageError) -> HTTPServerResponse {
        if context.method == "GET" {
            try self.authorize(
                credential, context, .queryEntities, table: address.table, partitionKey: address.partitionKey,
                rowKey: address.rowKey)
            return try self.getEntity(context, address: address)
        }
        if context.method != "DELETE" { try Self.checkContentType(context) }
        let write = try EntityWrite(
            method: context.method, address: address, ifMatch: context.header("If-Match"), body: context.request.body)
        try self.authorize(
            credential, context, write.sasRequirement, table: address.table, partitionKey: address.partitionKey,
            rowKey: address.rowKey)
        let outcome = try self.perform(write, account: context.account.name)
        var headers = HTTPHeaders()
        if let etag = outcome.entity?.etag { headers.add(name: "ETag", value: etag) }
        return HTTPServerResponse(status: 204, headers: headers)
    }

    /// Get Entity: `GET /table(PartitionKey='…',RowKey='…')`, with `$select`.
    private func getEntity(_ context: TableRequestContext, address: EntityAddress) throws(StorageError)
        -> HTTPServerResponse
    {
        let metadata = try Self.negotiateMetadata(context)
        let select = try Self.selection(context)
        let account = context.account.name
        let stored = try self.storeCall { () throws(SQLiteError) in
            try self.store.entity(
                account: account, table: address.table, partitionKey: address.partitionKey, rowKey: address.rowKey)
        }
        guard let stored else {
            let tableExists = try self.storeCall { () throws(SQLiteError) in
                try self.store.tableExists(account: account, name: address.table)
            }
            throw tableExists == nil ? .tableNotFound() : .resourceNotFound()
        }
        let entity = try Self.entity(from: stored)
        let entityContext = EntityJSONContext(baseURL: context.baseURL, accountName: account, tableName: address.table)
        let json = EntityJSON.encode(entity, metadata: metadata, context: entityContext, select: select)
        let headers: HTTPHeaders = ["ETag": entity.etag ?? ""]
        return self.jsonResponse(status: 200, body: JSONWriter.bytes(json), metadata: metadata, headers: headers)
    }

    /// Runs one write in its own transaction.
    func perform(_ write: EntityWrite, account: String) throws(StorageError) -> EntityWrite.Outcome {
        do {
            return try self.store.transaction { transaction in try write.apply(in: transaction, account: account) }
        } catch let error as StorageError {
            throw error
        } catch {
            self.log.log(.error, "table store: \(error)")
            throw .internalError()
        }
    }

    /// A stored row as an entity.
    static func entity(from stored: StoredEntity) throws(StorageError) -> TableEntity {
        TableEntity(
            partitionKey: stored.partitionKey, rowKey: stored.rowKey, timestamp: stored.timestamp,
            properties: try EntityProperties(storageBytes: stored.properties))
    }

    /// The property names of `$select`, or `nil` for all.
    static func selection(_ context: TableRequestContext) throws(StorageError) -> Set<String>? {
        guard let text = context.query["$select"], !text.trimmingSpaces.isEmpty, text.trimmingSpaces != "*" else {
            return nil
        }
        var names = Set<String>()
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = String(piece).trimmingSpaces
            guard FilterExpression.isValidPropertyName(name) else {
                throw .invalidInput("The $select option names '\(name)', which is not a property name.")
            }
            names.insert(name)
        }
        return names
    }

    /// Refuses bodies that announce Atom or XML: Azure Tables speak only JSON now.
    static func checkContentType(_ context: TableRequestContext) throws(StorageError) {
        guard let contentType = context.header("Content-Type")?.lowercased() else { return }
        if contentType.contains("atom") || contentType.contains("xml") {
            throw StorageError(status: 415, code: .atomFormatNotSupported, message: "Atom format is not supported.")
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
