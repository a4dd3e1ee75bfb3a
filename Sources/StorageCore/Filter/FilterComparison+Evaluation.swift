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
        guard var left = Self.resolve(self.left, lookup), var right = Self.resolve(self.right, lookup) else {
            return false
        }
        if case .literal(let literal) = self.right, case .property = self.left {
            right = Self.widen(literal, toTypeOf: left)
        } else if case .literal(let literal) = self.left, case .property = self.right {
            left = Self.widen(literal, toTypeOf: right)
        }
        guard let order = FilterValueOrder.compare(left, right) else { return false }
        let comparisonOperator = negated ? self.comparisonOperator.complement : self.comparisonOperator
        return comparisonOperator.holds(forOrder: order)
    }

    /// A numeric literal converted to the property's wider numeric type, as the service's OData
    /// layer does: an Int32 literal matches an Int64 or Double property of the same value, an
    /// Int64 literal a Double property, but never the narrowing way (an Int64 literal does not
    /// match an Int32 property). Evidence: CloudStub's tests, which pass against live Azure.
    private static func widen(_ literal: EdmValue, toTypeOf property: EdmValue) -> EdmValue {
        switch (literal, property) {
        case (.int32(let value), .int64): .int64(Int64(value))
        case (.int32(let value), .double): .double(Double(value))
        case (.int64(let value), .double): .double(Double(value))
        default: literal
        }
    }

    private static func resolve(_ operand: FilterOperand, _ lookup: (String) -> EdmValue?) -> EdmValue? {
        switch operand {
        case .property(let name): lookup(name)
        case .literal(let value): value
        }
    }
}
