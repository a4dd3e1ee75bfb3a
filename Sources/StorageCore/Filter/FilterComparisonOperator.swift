//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One of the six OData comparison operators that Azure Tables accepts in `$filter`.
///
/// The raw value is the keyword as it appears on the wire (always written in lowercase; the
/// parser also accepts other casings, as Azurite does).
public enum FilterComparisonOperator: String, Sendable, Hashable, CaseIterable {
    /// `eq`.
    case equal = "eq"
    /// `ne`.
    case notEqual = "ne"
    /// `gt`.
    case greaterThan = "gt"
    /// `ge`.
    case greaterThanOrEqual = "ge"
    /// `lt`.
    case lessThan = "lt"
    /// `le`.
    case lessThanOrEqual = "le"

    /// The operator that holds exactly when this one does not, for two comparable values:
    /// `eq` ↔ `ne`, `lt` ↔ `ge`, `gt` ↔ `le`.
    ///
    /// Evaluation pushes `not` into comparisons with it, which is how Azure treats `not` around
    /// a comparison of a missing property (the result stays false).
    public var complement: FilterComparisonOperator {
        switch self {
        case .equal: .notEqual
        case .notEqual: .equal
        case .greaterThan: .lessThanOrEqual
        case .greaterThanOrEqual: .lessThan
        case .lessThan: .greaterThanOrEqual
        case .lessThanOrEqual: .greaterThan
        }
    }

    /// The operator for the same comparison with its operands swapped: `'a' lt RowKey` is
    /// `RowKey gt 'a'`.
    public var mirrored: FilterComparisonOperator {
        switch self {
        case .equal: .equal
        case .notEqual: .notEqual
        case .greaterThan: .lessThan
        case .greaterThanOrEqual: .lessThanOrEqual
        case .lessThan: .greaterThan
        case .lessThanOrEqual: .greaterThanOrEqual
        }
    }

    /// Whether the operator holds for operands whose order is `order` (negative: left is
    /// smaller; zero: equal; positive: left is larger).
    func holds(forOrder order: Int) -> Bool {
        switch self {
        case .equal: order == 0
        case .notEqual: order != 0
        case .greaterThan: order > 0
        case .greaterThanOrEqual: order >= 0
        case .lessThan: order < 0
        case .lessThanOrEqual: order <= 0
        }
    }
}
