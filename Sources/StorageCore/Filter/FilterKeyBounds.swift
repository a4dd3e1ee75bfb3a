//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The ranges of PartitionKey and RowKey outside which a filter cannot match: what the store
/// needs to scan instead of the whole table.
public struct FilterKeyBounds: Sendable, Hashable {
    /// The range of partition keys the filter can match.
    public var partitionKey: KeyRange
    /// The range of row keys the filter can match (independent of the partition key).
    public var rowKey: KeyRange

    /// Creates bounds.
    public init(partitionKey: KeyRange, rowKey: KeyRange) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
    }
}
