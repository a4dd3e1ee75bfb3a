//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The facts about a request that decide whether its SAS authorizes it.
public struct SASRequest: Sendable, Hashable {
    /// The service the request was sent to.
    public var service: StorageService
    /// What the operation needs.
    public var requirement: SASAccessRequirement
    /// The table the operation addresses, when it addresses one.
    public var tableName: String?
    /// The queue the operation addresses, as written in the URL path.
    public var queueName: String?
    /// The entity's PartitionKey, for an operation on one entity (including inserts).
    public var partitionKey: String?
    /// The entity's RowKey, for an operation on one entity (including inserts).
    public var rowKey: String?
    /// The client's address as the server saw it; `nil` when unknown.
    public var clientAddress: String?
    /// Whether the request arrived over HTTPS.
    public var isHTTPS: Bool
    /// The server's current time.
    public var now: PreciseTimestamp

    /// Describes a request.
    public init(
        service: StorageService, requirement: SASAccessRequirement, tableName: String? = nil,
        queueName: String? = nil, partitionKey: String? = nil, rowKey: String? = nil, clientAddress: String?,
        isHTTPS: Bool, now: PreciseTimestamp
    ) {
        self.service = service
        self.requirement = requirement
        self.tableName = tableName
        self.queueName = queueName
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.clientAddress = clientAddress
        self.isHTTPS = isHTTPS
        self.now = now
    }
}
