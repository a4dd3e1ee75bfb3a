//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The SQL for one page of an entity query: a range scan of the entities' primary key.
///
/// The conditions are arranged so that SQLite can start the scan at the first candidate row
/// and stop at the last, rather than filtering rows it has already read:
/// - The continuation point becomes the row-value condition `(partition_key, row_key) > (?, ?)`,
///   which SQLite uses as the start of the range after the `account` and `table_key`
///   equalities. Whichever lower bound is tighter — continuation or PartitionKey range — is the
///   only one kept, so SQLite cannot pick the looser one and re-read earlier rows on every page.
/// - A single-partition range becomes `partition_key = ?`, which lets the RowKey bounds (and
///   the continuation's RowKey) narrow the range further.
///
/// `EXPLAIN QUERY PLAN` then reports `SEARCH entities USING PRIMARY KEY (account=? AND
/// table_key=? AND (partition_key,row_key)>(?,?) AND partition_key<?)` and the like, with no
/// separate sort; `TableStoreTests` checks this.
struct EntityScan: Sendable, Hashable {
    /// The `SELECT` statement; its columns are PartitionKey, RowKey, timestamp ticks and
    /// properties.
    let sql: String
    /// The values of its parameters, in order.
    let values: [SQLiteValue]

    /// The scan for the entities of one table that lie in both key ranges and come strictly
    /// after `after` in (PartitionKey, RowKey) order.
    ///
    /// - Returns: `nil` when no entity can qualify, because the continuation lies beyond a
    ///   single-partition range.
    init?(
        account: String, tableKey: String, partitionKeyRange: KeyRange, rowKeyRange: KeyRange, after: EntityKey?
    ) {
        var conditions = ["account = ?", "table_key = ?"]
        var values: [SQLiteValue] = [.text(account), .text(tableKey)]
        var partitionKeyRange = partitionKeyRange
        var rowKeyRange = rowKeyRange

        if let partitionKey = partitionKeyRange.exactValue {
            if let after, !EntityKey.precedes(after.partitionKey, partitionKey) {
                guard EntityKey.sameBytes(after.partitionKey, partitionKey) else {
                    return nil  // the continuation is past the only partition
                }
                rowKeyRange.lower = Self.tighterLower(
                    rowKeyRange.lower, KeyBound(after.rowKey, inclusive: false))
            }
            conditions.append("partition_key = ?")
            values.append(.text(partitionKey))
        } else {
            if let after, !Self.lies(after.partitionKey, before: partitionKeyRange.lower) {
                // Every row after the continuation is also above the range's lower bound.
                partitionKeyRange.lower = nil
                conditions.append("(partition_key, row_key) > (?, ?)")
                values.append(contentsOf: [.text(after.partitionKey), .text(after.rowKey)])
            }
            Self.append(partitionKeyRange, column: "partition_key", to: &conditions, &values)
        }
        Self.append(rowKeyRange, column: "row_key", to: &conditions, &values)

        self.sql =
            "SELECT partition_key, row_key, timestamp_ticks, properties FROM entities WHERE "
            + conditions.joined(separator: " AND ") + " ORDER BY partition_key, row_key"
        self.values = values
    }

    /// Whether every key at or after the partition key `value` (with any RowKey) can still be
    /// below `lower`: true when `value` is below the bound, or equal to an exclusive one.
    private static func lies(_ value: String, before lower: KeyBound?) -> Bool {
        guard let lower else {
            return false
        }
        return EntityKey.precedes(value, lower.value)
            || (!lower.inclusive && EntityKey.sameBytes(value, lower.value))
    }

    /// The tighter of two lower bounds; at equal values the exclusive one.
    private static func tighterLower(_ first: KeyBound?, _ second: KeyBound) -> KeyBound {
        guard let first else {
            return second
        }
        if EntityKey.precedes(first.value, second.value) {
            return second
        }
        if EntityKey.precedes(second.value, first.value) {
            return first
        }
        return KeyBound(first.value, inclusive: first.inclusive && second.inclusive)
    }

    /// Adds a range's bounds on `column` as SQL conditions.
    private static func append(
        _ range: KeyRange, column: String, to conditions: inout [String], _ values: inout [SQLiteValue]
    ) {
        if let lower = range.lower {
            conditions.append("\(column) \(lower.inclusive ? ">=" : ">") ?")
            values.append(.text(lower.value))
        }
        if let upper = range.upper {
            conditions.append("\(column) \(upper.inclusive ? "<=" : "<") ?")
            values.append(.text(upper.value))
        }
    }
}
