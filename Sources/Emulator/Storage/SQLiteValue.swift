//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A value bound to a statement parameter, for statements whose parameters are only known at
/// run time (such as entity queries, whose conditions depend on the key ranges).
///
/// Fixed statements can use the typed `bind` methods of ``SQLiteStatement`` directly.
package enum SQLiteValue: Sendable, Hashable {
    /// A `TEXT` value, stored as UTF-8.
    case text(String)
    /// A `BLOB` value; an empty array binds a zero-length blob, not `NULL`.
    case blob([UInt8])
    /// An `INTEGER` value.
    case integer(Int64)
    /// `NULL`.
    case null
}
