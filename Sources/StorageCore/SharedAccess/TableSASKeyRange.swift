//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The entities a table SAS reaches: `(spk, srk) ≤ (PartitionKey, RowKey) ≤ (epk, erk)`.
///
/// Pairs compare partition key first, then row key; a missing bound leaves that end open,
/// and a missing row key bound leaves the bounding partition open at that end. Keys compare
/// by UTF-16 code unit, as the service's ordinal comparison does. Azurite signs these fields
/// but never enforces them; Azure (and this emulator) does.
public struct TableSASKeyRange: Sendable, Hashable {
    /// `spk`: the lowest partition key reachable.
    public var startPartitionKey: String?
    /// `srk`: the lowest row key reachable within ``startPartitionKey``; ignored without it.
    public var startRowKey: String?
    /// `epk`: the highest partition key reachable.
    public var endPartitionKey: String?
    /// `erk`: the highest row key reachable within ``endPartitionKey``; ignored without it.
    public var endRowKey: String?

    /// Creates a range from its four optional bounds.
    public init(
        startPartitionKey: String? = nil, startRowKey: String? = nil, endPartitionKey: String? = nil,
        endRowKey: String? = nil
    ) {
        self.startPartitionKey = startPartitionKey
        self.startRowKey = startRowKey
        self.endPartitionKey = endPartitionKey
        self.endRowKey = endRowKey
    }

    /// Whether any bound is set.
    public var isBounded: Bool {
        self.startPartitionKey != nil || self.endPartitionKey != nil
    }

    /// Whether the entity with these keys lies in the range; both ends are inclusive.
    public func contains(partitionKey: String, rowKey: String) -> Bool {
        if let start = self.startPartitionKey {
            let order = Self.compare(partitionKey, start)
            if order < 0 { return false }
            if order == 0, let startRow = self.startRowKey, Self.compare(rowKey, startRow) < 0 { return false }
        }
        if let end = self.endPartitionKey {
            let order = Self.compare(partitionKey, end)
            if order > 0 { return false }
            if order == 0, let endRow = self.endRowKey, Self.compare(rowKey, endRow) > 0 { return false }
        }
        return true
    }

    /// -1, 0 or 1 as `left` sorts before, equal to or after `right` by UTF-16 code unit.
    private static func compare(_ left: String, _ right: String) -> Int {
        if left.utf16.elementsEqual(right.utf16) { return 0 }
        return left.utf16.lexicographicallyPrecedes(right.utf16) ? -1 : 1
    }
}
