//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A parsed `Authorization: SharedKey account:signature` header value.
public struct SharedKeyAuthorization: Sendable, Hashable {
    /// The scheme, `SharedKey` or `SharedKeyLite`.
    public var scheme: SharedKeyScheme
    /// The account whose key made the signature.
    public var accountName: String
    /// The base64 signature.
    public var signature: String

    /// Creates an authorization value from its parts.
    public init(scheme: SharedKeyScheme, accountName: String, signature: String) {
        self.scheme = scheme
        self.accountName = accountName
        self.signature = signature
    }

    /// Parses a header value such as `SharedKey devstoreaccount1:abc=`.
    ///
    /// - Returns: `nil` unless the value is a known scheme, one space, a non-empty account name,
    ///   a colon and a non-empty signature.
    public init?(headerValue: String) {
        let pieces = headerValue.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2, let scheme = SharedKeyScheme(rawValue: String(pieces[0])) else { return nil }
        let credential = pieces[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard credential.count == 2, !credential[0].isEmpty, !credential[1].isEmpty else { return nil }
        self.init(scheme: scheme, accountName: String(credential[0]), signature: String(credential[1]))
    }

    /// The header value, `scheme account:signature`.
    public var headerValue: String {
        "\(self.scheme.rawValue) \(self.accountName):\(self.signature)"
    }
}
