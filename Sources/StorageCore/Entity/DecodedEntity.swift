//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// An entity as a request body states it: keys only when the body has them (updates take them
/// from the URL), and the custom properties, validated.
package struct DecodedEntity: Sendable, Hashable {
    /// `PartitionKey` from the body.
    package var partitionKey: String?
    /// `RowKey` from the body.
    package var rowKey: String?
    /// The custom properties in body order.
    package var properties: EntityProperties

    /// Creates a decoded entity.
    package init(partitionKey: String?, rowKey: String?, properties: EntityProperties) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
        self.properties = properties
    }

    /// The entity an Insert creates, which must name both keys in its body.
    ///
    /// - Throws: PropertiesNeedValue when a key is missing.
    package func requiringKeys() throws(StorageError) -> TableEntity {
        guard let partitionKey = self.partitionKey, let rowKey = self.rowKey else { throw .propertiesNeedValue() }
        return TableEntity(partitionKey: partitionKey, rowKey: rowKey, properties: self.properties)
    }
}
