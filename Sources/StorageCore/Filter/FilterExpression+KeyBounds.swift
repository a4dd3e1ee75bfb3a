//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterExpression {
    /// The PartitionKey and RowKey ranges outside which the filter cannot match.
    public var keyBounds: FilterKeyBounds {
        FilterKeyBounds(partitionKey: self.keyRange(for: "PartitionKey"), rowKey: self.keyRange(for: "RowKey"))
    }

    /// The range outside which a string property (a key, or `TableName` in Query Tables) makes
    /// the filter false, in the store's UTF-8 byte order.
    ///
    /// Only the top-level conjunction constrains it: string comparisons (`eq`, `gt`, `ge`, `lt`,
    /// `le`, literal on either side) joined by `and`, including those that `not` turns into
    /// such a conjunction (`not (PartitionKey lt 'a' or X eq 1)` bounds PartitionKey below by
    /// `'a'`, since evaluation pushes `not` into the operators). Anything under an `or` is
    /// ignored, which only widens the range.
    ///
    /// The range is a safe over-approximation, never an exact answer. Filters compare strings by
    /// UTF-16 code units, the store by UTF-8 bytes; the two orders disagree only between a
    /// character above U+FFFF and one in U+E000…U+FFFF. A bound whose text has no character at
    /// or above U+E000 compares every key the same way in both orders and is used as it is.
    /// Otherwise the bound is cut before the first such character, to prefix `p`: a lower bound
    /// becomes `p` inclusive (every key above the original is at least `p` in both orders), an
    /// upper bound becomes the smallest string above every string starting with `p` — `p` with
    /// its last character incremented, exclusive — or no bound when `p` is empty.
    public func keyRange(for propertyName: String) -> KeyRange {
        var range = KeyRange.unbounded
        self.narrow(&range, for: propertyName, negated: false)
        return range
    }

    private func narrow(_ range: inout KeyRange, for propertyName: String, negated: Bool) {
        switch self {
        case .and(let left, let right) where !negated, .or(let left, let right) where negated:
            left.narrow(&range, for: propertyName, negated: negated)
            right.narrow(&range, for: propertyName, negated: negated)
        case .not(let operand):
            operand.narrow(&range, for: propertyName, negated: !negated)
        case .comparison(let comparison):
            guard let (comparisonOperator, key) = Self.keyComparison(comparison, for: propertyName) else { return }
            let effective = negated ? comparisonOperator.complement : comparisonOperator
            switch effective {
            case .equal:
                range.narrowLower(to: Self.safeLower(key, inclusive: true))
                if let upper = Self.safeUpper(key, inclusive: true) { range.narrowUpper(to: upper) }
            case .greaterThan, .greaterThanOrEqual:
                range.narrowLower(to: Self.safeLower(key, inclusive: effective == .greaterThanOrEqual))
            case .lessThan, .lessThanOrEqual:
                if let upper = Self.safeUpper(key, inclusive: effective == .lessThanOrEqual) {
                    range.narrowUpper(to: upper)
                }
            case .notEqual:
                break
            }
        default:
            break
        }
    }

    /// The comparison as `property op 'key'`, when it compares the property with a string.
    private static func keyComparison(_ comparison: FilterComparison, for propertyName: String)
        -> (FilterComparisonOperator, String)?
    {
        switch (comparison.left, comparison.right) {
        case (.property(let name), .literal(.string(let key))) where name == propertyName:
            return (comparison.comparisonOperator, key)
        case (.literal(.string(let key)), .property(let name)) where name == propertyName:
            return (comparison.comparisonOperator.mirrored, key)
        default:
            return nil
        }
    }

    /// Where `key` stops being safe to compare in byte order: its first character at or above
    /// U+E000.
    private static func unsafeIndex(_ key: String) -> String.UnicodeScalarView.Index? {
        key.unicodeScalars.firstIndex { $0.value >= 0xE000 }
    }

    private static func safeLower(_ key: String, inclusive: Bool) -> KeyBound {
        guard let cut = Self.unsafeIndex(key) else { return KeyBound(key, inclusive: inclusive) }
        return KeyBound(String(key.unicodeScalars[..<cut]), inclusive: true)
    }

    private static func safeUpper(_ key: String, inclusive: Bool) -> KeyBound? {
        guard let cut = Self.unsafeIndex(key) else { return KeyBound(key, inclusive: inclusive) }
        var prefix = String.UnicodeScalarView(key.unicodeScalars[..<cut])
        guard let last = prefix.popLast() else { return nil }
        // `last` is below U+E000, so its successor is a scalar (skipping the surrogate block).
        let next = last.value == 0xD7FF ? 0xE000 : last.value + 1
        prefix.append(Unicode.Scalar(next)!)
        return KeyBound(String(prefix), inclusive: false)
    }
}
