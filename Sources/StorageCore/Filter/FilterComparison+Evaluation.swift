//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterComparison {
    /// Whether the comparison holds for an entity, or its negation when `negated`.
    ///
    /// A missing property, or operands of different types, make the comparison false either
    /// way: Azure behaves as if it pushed `not` into the operators (`not (A eq 1)` becomes
    /// `A ne 1`) and then treated any comparison of an undefined property as false.
    func holds(negated: Bool, _ lookup: (String) -> EdmValue?) -> Bool {
        guard let left = Self.resolve(self.left, lookup), let right = Self.resolve(self.right, lookup),
            let order = FilterValueOrder.compare(left, right)
        else { return false }
        let comparisonOperator = negated ? self.comparisonOperator.complement : self.comparisonOperator
        return comparisonOperator.holds(forOrder: order)
    }

    private static func resolve(_ operand: FilterOperand, _ lookup: (String) -> EdmValue?) -> EdmValue? {
        switch operand {
        case .property(let name): lookup(name)
        case .literal(let value): value
        }
    }
}
