//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The syntax tree of an OData `$filter` expression as Azure Tables understands it.
///
/// Built by `FilterExpression.parse(_:)` from wire text, or by `TableFilter` on the client;
/// `description` prints it back as canonical wire text that parses to the same tree.
/// `and` and `or` are binary; a chain such as `a and b and c` parses left-associated,
/// `and(and(a, b), c)`, as OData specifies.
public indirect enum FilterExpression: Sendable, Hashable {
    /// Both sides hold.
    case and(FilterExpression, FilterExpression)
    /// Either side holds.
    case or(FilterExpression, FilterExpression)
    /// The negation of the operand, with Azure's treatment of missing properties: see
    /// `matches(_:)`.
    case not(FilterExpression)
    /// A comparison of two operands.
    case comparison(FilterComparison)
    /// A lone Boolean operand: a property (`IsActive`, true when the entity has that Boolean
    /// property set to `true`) or the literal `true` or `false` (Azure accepts `$filter=false`).
    /// The parser never produces another literal here, and such a tree does not print as a
    /// valid filter.
    case operand(FilterOperand)
}
