//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How `$filter` comparisons order two typed values.
///
/// Strict by type: values of different Edm types, including Int32 against Int64 and either
/// against Double, are not comparable, as Azure's documentation requires ("the constant value
/// must be of the same data type as the property"). Within a type the order is .NET's
/// `CompareTo`, which is what the service runs on.
enum FilterValueOrder {
    /// Negative, zero or positive as `left` is smaller than, equal to or larger than `right`;
    /// `nil` when their types differ.
    static func compare(_ left: EdmValue, _ right: EdmValue) -> Int? {
        switch (left, right) {
        case (.string(let left), .string(let right)):
            return Self.compareOrdinal(left, right)
        case (.int32(let left), .int32(let right)):
            return Self.compare(left, right)
        case (.int64(let left), .int64(let right)):
            return Self.compare(left, right)
        case (.double(let left), .double(let right)):
            return Self.compare(left, right)
        case (.boolean(let left), .boolean(let right)):
            // `false` before `true`, as `Boolean.CompareTo` orders them.
            return Self.compare(left ? 1 : 0, right ? 1 : 0)
        case (.dateTime(let left), .dateTime(let right)):
            return Self.compare(left.ticksSinceEpoch, right.ticksSinceEpoch)
        case (.guid(let left), .guid(let right)):
            // Canonical lowercase text orders like `Guid.CompareTo` in .NET (Core): the first
            // field as an unsigned 32-bit number, then the two 16-bit ones, then the bytes.
            return Self.compareOrdinal(left, right)
        case (.binary(let left), .binary(let right)):
            return left.lexicographicallyPrecedes(right) ? -1 : (left == right ? 0 : 1)
        default:
            return nil
        }
    }

    /// Ordinal order of UTF-16 code units, as .NET's `String.CompareOrdinal`.
    ///
    /// Swift's `<` on `String` compares by Unicode canonical equivalence and scalar values, so
    /// it would call `"e\u{301}"` equal to `"é"` and put U+FFFD after 😀; Azure does neither.
    static func compareOrdinal(_ left: String, _ right: String) -> Int {
        var leftUnits = left.utf16.makeIterator()
        var rightUnits = right.utf16.makeIterator()
        while true {
            switch (leftUnits.next(), rightUnits.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case (let leftUnit?, let rightUnit?):
                if leftUnit != rightUnit { return leftUnit < rightUnit ? -1 : 1 }
            }
        }
    }

    private static func compare<Value: Comparable>(_ left: Value, _ right: Value) -> Int {
        left < right ? -1 : (left == right ? 0 : 1)
    }

    /// `Double.CompareTo`: NaN equals NaN and sorts below every number; -0.0 equals 0.0. A total
    /// order, so that `not (x lt 1)` and `x ge 1` agree for every stored Double.
    private static func compare(_ left: Double, _ right: Double) -> Int {
        switch (left.isNaN, right.isNaN) {
        case (true, true): return 0
        case (true, false): return -1
        case (false, true): return 1
        case (false, false): return left < right ? -1 : (left == right ? 0 : 1)
        }
    }
}
