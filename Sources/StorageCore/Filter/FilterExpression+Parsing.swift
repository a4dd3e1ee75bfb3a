//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterExpression {
    /// Parses `$filter` text as Azure Tables reads it.
    ///
    /// Grammar: `or` / `and` / `not` (any case), parentheses, and comparisons
    /// `operand op operand` with `op` one of `eq ne gt ge lt le` and the literal on either side;
    /// a lone Boolean property or `true` / `false` is also a condition. Literals: `'…'` (with
    /// `''` for a quote; never `"…"`), `true`, `false`, Int32 `123` / `-5`, Int64 `123L`, Double
    /// `1.5` / `1e10` / `2.0` / `NaN` / `INF` / `-INF`, `datetime'2008-07-10T00:00:00Z'`,
    /// `guid'…'`, `X'0A0B'` and `binary'0A0B'`.
    ///
    /// - Throws: 400 `InvalidInput` naming the problem and its position (counted in Unicode
    ///   scalars) for any malformed filter, for an Int32 literal out of range (OData v3 does not
    ///   widen it), for a comparison of two properties, for more than 15 comparisons (Azure's
    ///   limit), and for parentheses or `not` nested more than 100 deep. An empty filter also
    ///   throws here; use `parseOptional(_:)` for the query option, where empty means no filter.
    public static func parse(_ text: String) throws(StorageError) -> FilterExpression {
        var parser = try FilterParser(text)
        return try parser.parseFilter()
    }

    /// Parses the value of a `$filter` query option: `nil` when the option is absent, empty or
    /// only whitespace (Azure then returns everything), otherwise as `parse(_:)`.
    public static func parseOptional(_ text: String?) throws(StorageError) -> FilterExpression? {
        guard let text, text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return nil }
        return try Self.parse(text)
    }

    /// Whether `name` can appear in filter text as a property name: a letter or `_`, then
    /// letters, digits and `_`, and not a word the lexer reads as something else (`and`, `or`,
    /// `not`, `eq`…`le`, `true`, `false`, `null` in any case, and `NaN` or `INF`).
    public static func isValidPropertyName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, FilterLexer.isIdentifierStart(first),
            name.unicodeScalars.allSatisfy(FilterLexer.isIdentifierContinuation)
        else { return false }
        guard name != "NaN", name != "INF" else { return false }
        let lowercased = name.lowercased()
        let reserved: Set<String> = ["and", "or", "not", "true", "false", "null"]
        return !reserved.contains(lowercased) && FilterComparisonOperator(rawValue: lowercased) == nil
    }

    /// The names of all properties the filter refers to.
    ///
    /// Query Tables only knows `TableName`; the service can reject other names with this.
    public var propertyNames: Set<String> {
        switch self {
        case .and(let left, let right), .or(let left, let right):
            return left.propertyNames.union(right.propertyNames)
        case .not(let operand):
            return operand.propertyNames
        case .comparison(let comparison):
            return Self.propertyNames(of: [comparison.left, comparison.right])
        case .operand(let operand):
            return Self.propertyNames(of: [operand])
        }
    }

    private static func propertyNames(of operands: [FilterOperand]) -> Set<String> {
        var names = Set<String>()
        for case .property(let name) in operands { names.insert(name) }
        return names
    }
}
