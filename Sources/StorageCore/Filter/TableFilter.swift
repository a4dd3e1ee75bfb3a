//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A `$filter` built from typed values, for clients: the safe way to put user data in a query.
///
/// ```swift
/// let filter = TableFilter.and(
///     .equal("PartitionKey", .string(customer)),
///     .greaterThanOrEqual("Timestamp", .dateTime(since)))
/// request.query["$filter"] = filter.description
/// ```
///
/// Values go through `FilterLiteral.format(_:)`, so a value such as `' or 1 eq 1 or '` stays a
/// string literal; `FilterExpression.parse(filter.description)` always gives back `expression`.
/// Property names are code, not data: they must satisfy
/// `FilterExpression.isValidPropertyName(_:)` (check names that come from elsewhere first).
/// The builder does not enforce Azure's limit of 15 comparisons; the service does.
public struct TableFilter: Sendable, Hashable, CustomStringConvertible {
    /// The filter's syntax tree.
    public let expression: FilterExpression

    /// Wraps an expression, such as one parsed from text.
    public init(_ expression: FilterExpression) {
        self.expression = expression
    }

    /// The `$filter` text to send (before the query string's percent-encoding).
    public var description: String { self.expression.description }

    /// `property op value`.
    ///
    /// - Precondition: `FilterExpression.isValidPropertyName(property)`; a name that is not an
    ///   identifier could change the meaning of the filter text, so it is a programming error.
    public static func comparison(
        _ property: String, _ comparisonOperator: FilterComparisonOperator, _ value: EdmValue
    ) -> TableFilter {
        precondition(
            FilterExpression.isValidPropertyName(property), "'\(property)' is not a valid filter property name")
        return TableFilter(.comparison(FilterComparison(.property(property), comparisonOperator, .literal(value))))
    }

    /// `property eq value`.
    public static func equal(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .equal, value)
    }

    /// `property ne value` (false, like every comparison, for entities without the property).
    public static func notEqual(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .notEqual, value)
    }

    /// `property gt value`.
    public static func greaterThan(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .greaterThan, value)
    }

    /// `property ge value`.
    public static func greaterThanOrEqual(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .greaterThanOrEqual, value)
    }

    /// `property lt value`.
    public static func lessThan(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .lessThan, value)
    }

    /// `property le value`.
    public static func lessThanOrEqual(_ property: String, _ value: EdmValue) -> TableFilter {
        Self.comparison(property, .lessThanOrEqual, value)
    }

    /// All of the filters hold; the chain associates to the left, as the parser reads it.
    public static func and(_ first: TableFilter, _ second: TableFilter, _ more: TableFilter...) -> TableFilter {
        var expression = FilterExpression.and(first.expression, second.expression)
        for filter in more { expression = .and(expression, filter.expression) }
        return TableFilter(expression)
    }

    /// Any of the filters holds; the chain associates to the left, as the parser reads it.
    public static func or(_ first: TableFilter, _ second: TableFilter, _ more: TableFilter...) -> TableFilter {
        var expression = FilterExpression.or(first.expression, second.expression)
        for filter in more { expression = .or(expression, filter.expression) }
        return TableFilter(expression)
    }

    /// The filter does not hold (for entities that have the properties it compares).
    public static func not(_ filter: TableFilter) -> TableFilter {
        TableFilter(.not(filter.expression))
    }
}
