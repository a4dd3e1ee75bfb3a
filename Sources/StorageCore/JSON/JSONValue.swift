//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A JSON document as RFC 8259 defines it, kept exactly as written.
///
/// Foundation's `JSONSerialization` turns `5` and `5.0` into the same `NSNumber` and forgets the
/// order of object members; the Table dialect gives both a meaning (`5` is an `Edm.Int32`, `5.0`
/// an `Edm.Double`, and responses list properties in a fixed order). So numbers keep their
/// lexeme and objects keep their members in order, duplicates included.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, held as its exact lexeme (`5`, `5.0`, `-1e300`, `123456789012345678901234567890`).
    ///
    /// The lexeme must follow the RFC 8259 number grammar: the writer copies it verbatim.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: its members in document order; a name may occur more than once.
    case object([JSONMember])
}
