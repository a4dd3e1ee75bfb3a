//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One side of a `$filter` comparison: a property of the entity, or a typed literal.
public enum FilterOperand: Sendable, Hashable {
    /// A property named by its identifier, such as `PartitionKey`, `Timestamp` or `Age`
    /// (`TableName` in Query Tables).
    case property(String)
    /// A constant, typed as its literal form says: `'a'` is a string, `5` an Int32, `5L` an
    /// Int64, `5.0` a Double, `datetime'…'`, `guid'…'`, `X'…'` and so on.
    case literal(EdmValue)
}
