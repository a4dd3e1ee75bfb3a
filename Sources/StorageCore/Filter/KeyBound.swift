//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One end of a `KeyRange`: a key and whether the range includes it.
public struct KeyBound: Sendable, Hashable {
    /// The key at the end of the range.
    public var value: String
    /// Whether keys equal to `value` are in the range.
    public var inclusive: Bool

    /// Creates a bound.
    public init(_ value: String, inclusive: Bool) {
        self.value = value
        self.inclusive = inclusive
    }
}
