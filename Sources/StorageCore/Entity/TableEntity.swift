//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A table entity: its key, its server-assigned timestamp and its custom properties.
public struct TableEntity: Sendable, Hashable {
    /// The partition key: entities sharing it are stored together and can share a batch.
    public var partitionKey: String
    /// The row key, unique within the partition.
    public var rowKey: String
    /// When the service last wrote the entity; `nil` for an entity not yet stored.
    public var timestamp: PreciseTimestamp?
    /// The custom properties.
    public var properties: EntityProperties

    /// Creates an entity.
    public init(
        partitionKey: String, rowKey: String, timestamp: PreciseTimestamp? = nil, properties: EntityProperties = [:]
    ) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.timestamp = timestamp
        self.properties = properties
    }

    /// The entity's ETag, derived from ``timestamp`` so that the two can never disagree.
    public var etag: String? {
        self.timestamp.map(TableETag.make)
    }
}
