//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterExpression {
    /// Whether an entity satisfies the filter, with Azure's semantics.
    ///
    /// - Parameter lookup: The entity's property value for a name, or `nil` when the entity has
    ///   no such property. The caller answers `PartitionKey` and `RowKey` with `.string` and
    ///   `Timestamp` with `.dateTime`.
    ///
    /// Semantics:
    /// - Comparisons are strict by type: an Int32 property never matches an Int64 or Double
    ///   literal, nor a string a number. Strings compare by UTF-16 code units (ordinal), dates
    ///   at full 100 ns precision, GUIDs as .NET orders them, binary bytewise, Booleans with
    ///   `false < true`, Doubles as `Double.CompareTo` (NaN equal to itself and lowest).
    /// - A comparison with a missing property or a type mismatch is false — `ne` included —
    ///   and stays false under `not`: `not` is pushed into the operators first, so
    ///   `not (Missing eq 1)` is `Missing ne 1`, false; `not (A eq 1 or B eq 2)` is
    ///   `A ne 1 and B ne 2`.
    /// - A lone property is true when it is the Boolean `true`; `not IsActive` when it is the
    ///   Boolean `false`; both are false when the property is missing or not a Boolean.
    public func matches(_ lookup: (String) -> EdmValue?) -> Bool {
        self.evaluate(negated: false, lookup)
    }

    /// Whether a table satisfies a Query Tables filter, where `TableName` is the only property.
    public func matches(tableName: String) -> Bool {
        self.matches { $0 == "TableName" ? .string(tableName) : nil }
    }

    private func evaluate(negated: Bool, _ lookup: (String) -> EdmValue?) -> Bool {
        switch self {
        case .and(let left, let right):
            // De Morgan under negation: `not (a and b)` is `not a or not b`.
            return negated
                ? left.evaluate(negated: true, lookup) || right.evaluate(negated: true, lookup)
                : left.evaluate(negated: false, lookup) && right.evaluate(negated: false, lookup)
        case .or(let left, let right):
            return negated
                ? left.evaluate(negated: true, lookup) && right.evaluate(negated: true, lookup)
                : left.evaluate(negated: false, lookup) || right.evaluate(negated: false, lookup)
        case .not(let operand):
            return operand.evaluate(negated: !negated, lookup)
        case .comparison(let comparison):
            return comparison.holds(negated: negated, lookup)
        case .operand(let operand):
            let value: EdmValue?
            switch operand {
            case .property(let name): value = lookup(name)
            case .literal(let literal): value = literal
            }
            guard case .boolean(let flag) = value else { return false }
            return flag != negated
        }
    }
}
