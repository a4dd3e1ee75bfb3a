//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SharedAccessSignature: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The fields in query order with the signature shown as `sig=<redacted>`, for logs.
    public var description: String {
        var fields = self.orderedFields.filter { $0.name != "sig" }.map { "\($0.name)=\($0.value)" }
        fields.append("sig=<redacted>")
        return fields.joined(separator: "&")
    }

    /// The same text as ``description``, so `String(reflecting:)` is as safe as interpolation.
    public var debugDescription: String { self.description }

    /// A mirror with no children, so `dump` cannot print the signature.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
