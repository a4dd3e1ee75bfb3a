//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How the `x-ms-*` header names are ordered in a Blob/Queue string-to-sign.
///
/// Azure sorts them with a culture-aware collation; the Python SDK emulates it with a table of
/// character weights, while other clients sort bytes. The orders differ only for names holding
/// punctuation such as `-` and `_` past the prefix (typically metadata names), so a verifier
/// tries both.
package enum CanonicalHeaderOrder: CaseIterable, Sendable {
    /// The Python SDK's emulation of the service's collation.
    case pythonSDK
    /// Plain byte order.
    case bytes

    /// Whether `left` sorts before `right` in this order.
    package func areInIncreasingOrder(_ left: String, _ right: String) -> Bool {
        switch self {
        case .bytes:
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        case .pythonSDK:
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
    }
}
