//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A single comparison in a `$filter`, such as `Age gt 30` or `'b' le RowKey`.
///
/// The operands keep the order they were written in, so the filter prints back as it was
/// parsed. At most one side is a property: Azure documents that a property cannot be compared
/// with another property, and the parser rejects such input.
public struct FilterComparison: Sendable, Hashable {
    /// The operator between the two operands.
    public var comparisonOperator: FilterComparisonOperator
    /// The left operand as written.
    public var left: FilterOperand
    /// The right operand as written.
    public var right: FilterOperand

    /// Creates a comparison of `left` with `right`.
    public init(_ left: FilterOperand, _ comparisonOperator: FilterComparisonOperator, _ right: FilterOperand) {
        self.comparisonOperator = comparisonOperator
        self.left = left
        self.right = right
    }
}
