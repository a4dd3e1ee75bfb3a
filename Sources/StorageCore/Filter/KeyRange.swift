//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A range of key strings in the store's order: binary collation of their UTF-8 bytes, which is
/// Unicode scalar order.
///
/// Produced by `FilterExpression.keyRange(for:)` as a safe over-approximation: the store scans
/// only this range and still evaluates the whole filter on each entity it finds.
public struct KeyRange: Sendable, Hashable {
    /// The smallest key in the range, or `nil` for no lower limit.
    public var lower: KeyBound?
    /// The largest key in the range, or `nil` for no upper limit.
    public var upper: KeyBound?

    /// The range of all keys.
    public static let unbounded = KeyRange(lower: nil, upper: nil)

    /// Creates a range.
    public init(lower: KeyBound? = nil, upper: KeyBound? = nil) {
        self.lower = lower
        self.upper = upper
    }

    /// Exactly one key, as `PartitionKey eq 'x'` asks for.
    public static func exactly(_ value: String) -> KeyRange {
        KeyRange(lower: KeyBound(value, inclusive: true), upper: KeyBound(value, inclusive: true))
    }

    /// The one key the range holds, when both ends are the same inclusive key: the store can
    /// then look the key up instead of scanning.
    public var exactValue: String? {
        guard let lower = self.lower, let upper = self.upper, lower.inclusive, upper.inclusive,
            Self.compareBytes(lower.value, upper.value) == 0
        else { return nil }
        return lower.value
    }

    /// Whether no key can be in the range (its ends cross).
    public var isEmpty: Bool {
        guard let lower = self.lower, let upper = self.upper else { return false }
        let order = Self.compareBytes(lower.value, upper.value)
        return order > 0 || (order == 0 && !(lower.inclusive && upper.inclusive))
    }

    /// Whether `key` lies in the range, comparing UTF-8 bytes as the store does.
    public func contains(_ key: String) -> Bool {
        if let lower = self.lower {
            let order = Self.compareBytes(key, lower.value)
            guard order > 0 || (order == 0 && lower.inclusive) else { return false }
        }
        if let upper = self.upper {
            let order = Self.compareBytes(key, upper.value)
            guard order < 0 || (order == 0 && upper.inclusive) else { return false }
        }
        return true
    }

    /// Narrows the range to its intersection with `bound` as a lower limit.
    package mutating func narrowLower(to bound: KeyBound) {
        guard let lower = self.lower else {
            self.lower = bound
            return
        }
        let order = Self.compareBytes(bound.value, lower.value)
        if order > 0 || (order == 0 && !bound.inclusive) { self.lower = bound }
    }

    /// Narrows the range to its intersection with `bound` as an upper limit.
    package mutating func narrowUpper(to bound: KeyBound) {
        guard let upper = self.upper else {
            self.upper = bound
            return
        }
        let order = Self.compareBytes(bound.value, upper.value)
        if order < 0 || (order == 0 && !bound.inclusive) { self.upper = bound }
    }

    /// Byte order of the UTF-8 encodings: negative, zero or positive.
    static func compareBytes(_ left: String, _ right: String) -> Int {
        if left.utf8.elementsEqual(right.utf8) { return 0 }
        return left.utf8.lexicographicallyPrecedes(right.utf8) ? -1 : 1
    }
}
