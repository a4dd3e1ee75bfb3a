//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableService {
    /// The most tables one Query Tables page returns.
    static let maximumPageSize = 1000

    /// Create Table: `POST /Tables` with `{"TableName":"…"}`.
    func createTable(_ context: TableRequestContext) throws(StorageError) -> HTTPServerResponse {
        let metadata = try Self.negotiateMetadata(context)
        let body = try Self.parseJSONBody(context.request.body)
        guard case .string(let name)? = body["TableName"] else {
            throw .invalidInput("The body must be a JSON object with a string TableName.")
        }
        try TableValidation.validateTableName(name)
        switch try self.storeCall({ () throws(SQLiteError) in
            try self.store.createTable(account: context.account.name, name: name)
        }) {
        case .created:
            break
        case .alreadyExists:
            throw .tableAlreadyExists()
        }
        var headers: HTTPHeaders = ["Location": "\(context.baseURL)/Tables('\(Self.quotedKey(name))')"]
        let preference = Self.preference(context)
        if let preference { headers.add(name: "Preference-Applied", value: preference.rawValue) }
        if preference == .returnNoContent {
            return HTTPServerResponse(status: 204, headers: headers)
        }
        let entityContext = EntityJSONContext(
            baseURL: context.baseURL, accountName: context.account.name, tableName: name)
        let json = EntityJSON.encodeTable(name: name, metadata: metadata, context: entityContext)
        return self.jsonResponse(status: 201, body: JSONWriter.bytes(json), metadata: metadata, headers: headers)
    }

    /// Delete Table: `DELETE /Tables('name')`, removing its entities and ACL with it.
    func deleteTable(_ context: TableRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        switch try self.storeCall({ () throws(SQLiteError) in
            try self.store.deleteTable(account: context.account.name, name: name)
        }) {
        case .deleted:
            return HTTPServerResponse(status: 204)
        case .notFound:
            throw .resourceNotFound()
        }
    }

    /// Query Tables: `GET /Tables`, with `$filter` over `TableName`, `$top` and `NextTableName`.
    func queryTables(_ context: TableRequestContext) throws(StorageError) -> HTTPServerResponse {
        let metadata = try Self.negotiateMetadata(context)
        let filter = try FilterExpression.parseOptional(context.query["$filter"])
        let top = try Self.pageSize(context)
        let after = try context.query["NextTableName"].map { (token) throws(StorageError) in
            try ContinuationToken.decode(token, parameter: "NextTableName")
        }
        let page = try self.storeCall({ () throws(SQLiteError) in
            try self.store.listTables(account: context.account.name, after: after, limit: top) { name in
                filter?.matches(tableName: name) ?? true
            }
        })
        let entityContext = EntityJSONContext(
            baseURL: context.baseURL, accountName: context.account.name, tableName: "")
        var headers = HTTPHeaders()
        if let next = page.next {
            headers.add(name: "x-ms-continuation-NextTableName", value: ContinuationToken.encode(next))
        }
        let body = EntityJSON.encodeTableList(names: page.names, metadata: metadata, context: entityContext)
        return self.jsonResponse(status: 200, body: body, metadata: metadata, headers: headers)
    }

    // MARK: - Shared request reading

    /// The response format asked for by `$format` or `Accept`.
    static func negotiateMetadata(_ context: TableRequestContext) throws(StorageError) -> ODataMetadata {
        let accept = context.header("Accept")
        let format = context.query["$format"]
        guard let metadata = ODataMetadata(acceptHeader: accept, formatParameter: format) else {
            throw ODataMetadata.unsupportedFormatError(acceptHeader: accept, formatParameter: format)
        }
        return metadata
    }

    /// `$top`: a page size from 1 to 1000, 1000 when absent.
    static func pageSize(_ context: TableRequestContext) throws(StorageError) -> Int {
        guard let text = context.query["$top"] else { return Self.maximumPageSize }
        guard let value = Int(text), (1...Self.maximumPageSize).contains(value) else {
            throw .invalidInput("The $top query option must be a whole number from 1 to \(Self.maximumPageSize).")
        }
        return value
    }

    /// The JSON object in a request body.
    static func parseJSONBody(_ body: [UInt8]) throws(StorageError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw .invalidInput("The request body is not valid JSON: \(error).")
        }
        guard case .object = value else {
            throw .invalidInput("The request body must be a JSON object.")
        }
        return value
    }

    /// What `Prefer` asks for on Create Table and Insert Entity, if anything.
    static func preference(_ context: TableRequestContext) -> Preference? {
        guard let prefer = context.header("Prefer")?.lowercased() else { return nil }
        if prefer.contains("return-no-content") { return .returnNoContent }
        if prefer.contains("return-content") { return .returnContent }
        return nil
    }

    /// A `Prefer` choice, echoed in `Preference-Applied` only when the client asked.
    enum Preference: String {
        case returnContent = "return-content"
        case returnNoContent = "return-no-content"
    }

    /// A key or name inside an OData literal, with quotes doubled and everything else
    /// percent-encoded, for `Location` and `odata.id`.
    static func quotedKey(_ key: String) -> String {
        PercentEncoding.encode(key.replacingQuotes())
    }

    /// Runs a store call, turning a database failure into 500 `InternalError` (logged).
    func storeCall<Result>(_ body: () throws(SQLiteError) -> Result) throws(StorageError) -> Result {
        do {
            return try body()
        } catch {
            self.log.log(.error, "table store: \(error)")
            throw .internalError()
        }
    }
}

extension String {
    fileprivate func replacingQuotes() -> String {
        var output = ""
        for character in self {
            if character == "'" { output += "''" } else { output.append(character) }
        }
        return output
    }
}
