//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterExpression: CustomStringConvertible {
    /// The expression as canonical OData `$filter` text: lowercase keywords, literals as
    /// `FilterLiteral.format(_:)` writes them, and parentheses exactly where the tree needs
    /// them, so that parsing the text gives back this tree.
    ///
    /// Property names are written verbatim; `TableFilter` only accepts names for which
    /// `FilterExpression.isValidPropertyName(_:)` holds, so its text cannot be subverted.
    public var description: String {
        var text = ""
        self.write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .and(let left, let right):
            // `and` binds tighter than `or` and both associate to the left, so an `or` on
            // either side, and an `and` on the right, need parentheses.
            left.write(to: &text, parenthesized: left.isOr)
            text += " and "
            right.write(to: &text, parenthesized: right.isOr || right.isAnd)
        case .or(let left, let right):
            left.write(to: &text, parenthesized: false)
            text += " or "
            right.write(to: &text, parenthesized: right.isOr)
        case .not(let operand):
            text += "not "
            if case .operand = operand {
                operand.write(to: &text)
            } else {
                // Always grouped: `not A eq 1` would be read differently by OData parsers that
                // give `not` precedence over `eq`.
                operand.write(to: &text, parenthesized: true)
            }
        case .comparison(let comparison):
            Self.write(comparison.left, to: &text)
            text += " " + comparison.comparisonOperator.rawValue + " "
            Self.write(comparison.right, to: &text)
        case .operand(let operand):
            Self.write(operand, to: &text)
        }
    }

    private func write(to text: inout String, parenthesized: Bool) {
        if parenthesized { text += "(" }
        self.write(to: &text)
        if parenthesized { text += ")" }
    }

    private static func write(_ operand: FilterOperand, to text: inout String) {
        switch operand {
        case .property(let name): text += name
        case .literal(let value): text += FilterLiteral.format(value)
        }
    }

    private var isAnd: Bool {
        if case .and = self { return true }
        return false
    }

    private var isOr: Bool {
        if case .or = self { return true }
        return false
    }
}
