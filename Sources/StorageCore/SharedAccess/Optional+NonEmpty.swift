//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension Optional where Wrapped == String {
    /// The text, or `nil` when it is absent or empty: the Python SDK leaves empty SAS fields
    /// out of the token, so the client does too.
    var nonEmpty: String? {
        guard let text = self, !text.isEmpty else { return nil }
        return text
    }
}
