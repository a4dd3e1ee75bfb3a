//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The identity of an entity within its table: its PartitionKey and RowKey.
///
/// Keys order by PartitionKey, then RowKey, each compared byte by byte in UTF-8 (which is also
/// Unicode code point order). That is the order of the store's primary key, whose key columns
/// use SQLite's `BINARY` collation, so ``TableStore`` pages through entities in exactly this
/// order. Swift's own `String` comparison differs — it treats canonically equivalent strings
/// such as precomposed and decomposed "é" as equal — so this type compares, tests equality and
/// hashes by UTF-8 bytes, exactly as SQLite does.
package struct EntityKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The PartitionKey.
    package var partitionKey: String
    /// The RowKey.
    package var rowKey: String

    /// Creates a key.
    package init(partitionKey: String, rowKey: String) {
        self.partitionKey = partitionKey
        self.rowKey = rowKey
    }

    /// Orders by PartitionKey, then RowKey, in UTF-8 byte order.
    package static func < (left: EntityKey, right: EntityKey) -> Bool {
        if !Self.sameBytes(left.partitionKey, right.partitionKey) {
            return Self.precedes(left.partitionKey, right.partitionKey)
        }
        return Self.precedes(left.rowKey, right.rowKey)
    }

    /// Whether both keys have the same UTF-8 bytes.
    package static func == (left: EntityKey, right: EntityKey) -> Bool {
        Self.sameBytes(left.partitionKey, right.partitionKey) && Self.sameBytes(left.rowKey, right.rowKey)
    }

    /// Hashes the keys' UTF-8 bytes, consistently with ``==(_:_:)``.
    package func hash(into hasher: inout Hasher) {
        for byte in self.partitionKey.utf8 {
            hasher.combine(byte)
        }
        // 0xFF never occurs in UTF-8, so it separates the two keys unambiguously.
        hasher.combine(UInt8(0xFF))
        for byte in self.rowKey.utf8 {
            hasher.combine(byte)
        }
    }

    /// Whether `left` sorts before `right` in UTF-8 byte order, SQLite's `BINARY` collation.
    package static func precedes(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    /// Whether `left` and `right` have the same UTF-8 bytes, as SQLite's `BINARY` collation
    /// compares them (Swift's `==` would also equate canonically equivalent strings).
    package static func sameBytes(_ left: String, _ right: String) -> Bool {
        left.utf8.elementsEqual(right.utf8)
    }

    /// `(PartitionKey, RowKey)`.
    package var description: String {
        "(\(self.partitionKey), \(self.rowKey))"
    }
}
