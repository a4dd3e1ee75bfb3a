//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A recursive-descent parser for the `$filter` grammar of Azure Tables:
///
/// ```
/// OR      := AND ("or" AND)*
/// AND     := UNARY ("and" UNARY)*
/// UNARY   := "not" UNARY | PRIMARY
/// PRIMARY := "(" OR ")" | operand (comparison-operator operand)?
/// ```
///
/// `and` and `or` chains are read in loops, so only parentheses and `not` recurse, and both
/// count towards `maximumDepth`: no input, however hostile, can exhaust the stack.
struct FilterParser {
    /// Azure's documented limit on discrete comparisons in one filter.
    static let maximumComparisons = 15
    /// How deeply parentheses and `not` may nest; far beyond what 15 comparisons need.
    static let maximumDepth = 100

    private let tokens: [FilterToken]
    private var index = 0
    private var comparisonCount = 0

    /// Creates a parser over the tokens of `text`.
    init(_ text: String) throws(StorageError) {
        self.tokens = try FilterLexer.tokens(of: text)
    }

    /// Parses the whole filter.
    mutating func parseFilter() throws(StorageError) -> FilterExpression {
        guard self.current.kind != .end else { throw .invalidFilter("the filter is empty") }
        let expression = try self.parseOr(depth: 0)
        guard self.current.kind == .end else {
            throw .invalidFilter(
                "unexpected \(self.current.quoted); expected 'and', 'or' or the end of the filter",
                at: self.current.position)
        }
        return expression
    }

    private var current: FilterToken { self.tokens[self.index] }

    private mutating func advance() {
        if self.index < self.tokens.count - 1 { self.index += 1 }
    }

    private mutating func parseOr(depth: Int) throws(StorageError) -> FilterExpression {
        var expression = try self.parseAnd(depth: depth)
        while self.current.kind == .or {
            self.advance()
            expression = .or(expression, try self.parseAnd(depth: depth))
        }
        return expression
    }

    private mutating func parseAnd(depth: Int) throws(StorageError) -> FilterExpression {
        var expression = try self.parseUnary(depth: depth)
        while self.current.kind == .and {
            self.advance()
            expression = .and(expression, try self.parseUnary(depth: depth))
        }
        return expression
    }

    private mutating func parseUnary(depth: Int) throws(StorageError) -> FilterExpression {
        guard self.current.kind == .not else { return try self.parsePrimary(depth: depth) }
        try self.checkDepth(depth + 1)
        self.advance()
        return .not(try self.parseUnary(depth: depth + 1))
    }

    private mutating func parsePrimary(depth: Int) throws(StorageError) -> FilterExpression {
        guard self.current.kind == .openParenthesis else { return try self.parseComparison() }
        let open = self.current
        try self.checkDepth(depth + 1)
        self.advance()
        guard self.current.kind != .closeParenthesis else {
            throw .invalidFilter("empty parentheses", at: open.position)
        }
        let expression = try self.parseOr(depth: depth + 1)
        guard self.current.kind == .closeParenthesis else {
            throw .invalidFilter(
                "unexpected \(self.current.quoted); expected ')' to close the '(' at position \(open.position)",
                at: self.current.position)
        }
        self.advance()
        return expression
    }

    /// Reads `operand operator operand`, or a lone Boolean operand.
    private mutating func parseComparison() throws(StorageError) -> FilterExpression {
        let first = self.current
        let left = try self.parseOperand()
        guard case .comparisonOperator(let comparisonOperator) = self.current.kind else {
            return try self.finishLoneOperand(left, token: first)
        }
        self.advance()
        let right = try self.parseOperand()
        if case .property = left, case .property = right {
            throw .invalidFilter(
                "a property cannot be compared with another property; one side must be a literal",
                at: first.position)
        }
        try self.countComparison(at: first.position)
        return .comparison(FilterComparison(left, comparisonOperator, right))
    }

    private mutating func finishLoneOperand(_ operand: FilterOperand, token: FilterToken) throws(StorageError)
        -> FilterExpression
    {
        switch self.current.kind {
        case .and, .or, .closeParenthesis, .end:
            break
        case .openParenthesis where token.position + token.text.unicodeScalars.count == self.current.position:
            throw .invalidFilter("functions such as \(token.quoted) are not supported", at: token.position)
        default:
            throw .invalidFilter(
                "unexpected \(self.current.quoted); expected a comparison operator (eq, ne, gt, ge, lt, le)",
                at: self.current.position)
        }
        switch operand {
        case .property, .literal(.boolean):
            try self.countComparison(at: token.position)
            return .operand(operand)
        case .literal:
            throw .invalidFilter(
                "\(token.quoted) is not a condition; expected a comparison operator after it", at: token.position)
        }
    }

    private mutating func parseOperand() throws(StorageError) -> FilterOperand {
        let token = self.current
        switch token.kind {
        case .identifier(let name):
            self.advance()
            return .property(name)
        case .literal(let value):
            self.advance()
            return .literal(value)
        default:
            throw .invalidFilter(
                "unexpected \(token.quoted); expected a property name or a literal", at: token.position)
        }
    }

    private mutating func countComparison(at position: Int) throws(StorageError) {
        self.comparisonCount += 1
        guard self.comparisonCount <= Self.maximumComparisons else {
            throw .invalidFilter(
                "more than \(Self.maximumComparisons) discrete comparisons (Azure's limit)", at: position)
        }
    }

    private func checkDepth(_ depth: Int) throws(StorageError) {
        guard depth <= Self.maximumDepth else {
            throw .invalidFilter(
                "parentheses and 'not' nest more than \(Self.maximumDepth) deep", at: self.current.position)
        }
    }
}
