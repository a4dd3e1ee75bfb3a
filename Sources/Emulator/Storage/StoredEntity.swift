//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

/// An entity as the table store keeps it: its keys, the timestamp of its last write, and its
/// custom properties in the Table service's own encoding.
///
/// The store never looks inside ``properties``; it only keeps the bytes and hands them back.
package struct StoredEntity: Sendable, Hashable {
    /// The PartitionKey.
    package var partitionKey: String
    /// The RowKey.
    package var rowKey: String
    /// When the entity was last written: its `Timestamp`, and the source of its ETag.
    ///
    /// The store issues a strictly increasing timestamp for every write, so two writes never
    /// share one and an ETag always names exactly one version of an entity.
    package var timestamp: PreciseTimestamp
    /// The custom properties, encoded by the Table service.
    package var properties: [UInt8]

    /// Creates a stored entity.
    package init(partitionKey: String, rowKey: String, timestamp: PreciseTimestamp, properties: [UInt8]) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.timestamp = timestamp
        self.properties = properties
    }

    /// The entity's PartitionKey and RowKey together.
    package var key: EntityKey {
        EntityKey(partitionKey: self.partitionKey, rowKey: self.rowKey)
    }
}
