//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// A client for one table of Azure Table Storage, or of an emulator that speaks its protocol.
///
/// ```swift
/// let table = try TableClient(tableName: "locks")   // AZURE_STORAGE_CONNECTION_STRING
/// try await table.createTableIfNotExists()
/// var lock = TableEntity(partitionKey: "jobs", rowKey: "nightly", properties: ["Owner": .string("a")])
/// let written = try await table.insert(lock)
/// lock.properties["Owner"] = .string("b")
/// try await table.update(lock, ifMatch: .etag(written.etag))   // 412 if someone wrote in between
/// ```
///
/// Requests speak JSON with minimal metadata at version 2019-02-02, as the official SDKs do,
/// and are authorized by the account's credential: a shared key signs each request, a SAS is
/// appended to each URL, an anonymous account sends neither.
///
/// **Errors.** A refusal by the service throws ``StorageCore/StorageError`` with the service's
/// status and code (`error.code == .updateConditionNotSatisfied`). A failure to get any answer
/// throws the transport's ``TransportError`` unchanged: check
/// ``TransportError/Code/mayHaveReachedServer`` before assuming a write did not happen. An
/// account without a table endpoint throws ``StorageCore/StorageConfigurationError`` from every
/// operation.
///
/// **No retries.** Every operation makes exactly one attempt. Whether a write may be repeated
/// after an ambiguous failure depends on what it is for, so that decision belongs to the caller
/// (the lock layer above uses ETags and the service's clock to decide).
///
/// The client holds no mutable state and is safe to share between tasks.
public final class TableClient: Sendable {
    /// The table every operation addresses, as given.
    public let tableName: String
    /// The account, with its credential and endpoints.
    public let account: StorageAccount
    /// Signs and sends requests.
    let pipeline: StoragePipeline

    /// The `x-ms-version` sent, the one `azure-data-tables` defaults to.
    static let serviceVersion = "2019-02-02"
    /// `Accept` for responses with a body: JSON with minimal metadata, which carries `odata.etag`
    /// and the annotations of types that JSON cannot express.
    static let acceptJSON = ODataMetadata.minimalMetadata.mediaType
    /// The `Content-Type` of request bodies.
    static let contentTypeJSON = "application/json"

    /// Creates a client for one table of an account.
    ///
    /// Nothing is sent: the table need not exist yet (see ``createTableIfNotExists()``).
    ///
    /// - Parameters:
    ///   - account: The account; its ``StorageCore/StorageAccount/tableEndpoint`` is used,
    ///     path included (`http://127.0.0.1:10002/devstoreaccount1`). Without one, every
    ///     operation throws ``StorageCore/StorageConfigurationError``.
    ///   - tableName: The table, such as `locks`; the service checks the name.
    ///   - transport: What sends requests; ``CurlTransport/shared`` unless a test or a wrapper
    ///     gives another.
    public init(account: StorageAccount, tableName: String, transport: any HTTPTransport = CurlTransport.shared) {
        self.account = account
        self.tableName = tableName
        self.pipeline = StoragePipeline(
            account: account, service: .table, version: Self.serviceVersion,
            defaultHeaders: [
                "DataServiceVersion": "3.0",
                "MaxDataServiceVersion": "3.0;NetFx",
                "Accept": Self.acceptJSON,
            ],
            transport: transport)
    }

    /// Creates a client from a connection string, or from the environment.
    ///
    /// - Parameters:
    ///   - connectionString: A connection string, or `nil` to read
    ///     `AZURE_STORAGE_CONNECTION_STRING` (see
    ///     ``StorageCore/StorageAccount/init(connectionString:environment:)``).
    ///   - tableName: The table.
    ///   - transport: What sends requests.
    /// - Throws: ``StorageCore/StorageConfigurationError`` when the string cannot be read or
    ///   gives no table endpoint.
    public convenience init(
        connectionString: String? = nil, tableName: String, transport: any HTTPTransport = CurlTransport.shared
    ) throws {
        let account = try StorageAccount(connectionString: connectionString)
        guard account.tableEndpoint != nil else {
            throw StorageConfigurationError(
                code: .missingSetting,
                message: "The connection string gives no table endpoint; add 'TableEndpoint' or 'EndpointSuffix'.")
        }
        self.init(account: account, tableName: tableName, transport: transport)
    }

    // MARK: - Tables

    /// Creates the table.
    ///
    /// - Throws: ``StorageCore/StorageError`` 409 `TableAlreadyExists` when it exists (names
    ///   ignore case), 409 `TableBeingDeleted` shortly after a delete, 400 for a bad name.
    public func createTable() async throws {
        let body = JSONWriter.bytes(.object([JSONMember("TableName", .string(self.tableName))]))
        _ = try await self.pipeline.send(
            StorageRequest(
                method: "POST", path: "/Tables",
                headers: ["Content-Type": Self.contentTypeJSON, "Prefer": "return-no-content"], body: body))
    }

    /// Creates the table unless it exists.
    ///
    /// A create whose answer was lost is sent again: repeating it is harmless, and the repeat's
    /// 409 says the table is there.
    ///
    /// - Returns: `true` when this call created it, `false` when it already existed (or when an
    ///   earlier attempt of this call created it but its answer was lost).
    /// - Throws: ``StorageCore/StorageError`` for any other refusal, such as 409
    ///   `TableBeingDeleted`.
    @discardableResult
    public func createTableIfNotExists() async throws -> Bool {
        try await StorageRetryPolicy.standard.repeatingLostAnswers {
            do {
                try await self.createTable()
                return true
            } catch let error as StorageError where error.code == .tableAlreadyExists {
                return false
            }
        }
    }

    /// Deletes the table and every entity in it.
    ///
    /// - Throws: ``StorageCore/StorageError`` 404 `ResourceNotFound` when there is no such table.
    public func deleteTable() async throws {
        _ = try await self.pipeline.send(
            StorageRequest(method: "DELETE", path: "/Tables('" + Self.keyLiteral(self.tableName) + "')"))
    }

    // MARK: - Paths

    /// The table's name as it goes in a path.
    var encodedTableName: String {
        PercentEncoding.encode(self.tableName)
    }

    /// `/table(PartitionKey='…',RowKey='…')`, keys quoted and encoded as the SDKs do (a `'` is
    /// doubled, then every byte but RFC 3986's unreserved ones is percent-encoded; the quotes
    /// around the keys stay literal).
    func entityPath(partitionKey: String, rowKey: String) -> String {
        "/" + EntityJSON.entityPath(table: self.encodedTableName, partitionKey: partitionKey, rowKey: rowKey)
    }

    /// An OData string literal's content for a path: `'` doubled, then percent-encoded.
    static func keyLiteral(_ text: String) -> String {
        PercentEncoding.encode(text.replacing("'", with: "''"))
    }
}
