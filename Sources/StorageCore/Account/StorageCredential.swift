//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How requests to a storage account prove who sent them.
///
/// The secret never shows: `description`, `debugDescription` and reflection print a shared key
/// as `<redacted>` and a shared access signature with its `sig` value redacted, so an account
/// or credential logged by mistake does not leak it.
public enum StorageCredential: Sendable, Hashable {
    /// Signs every request with the account's shared key.
    case sharedKey(StorageAccountKey)
    /// Appends a shared access signature (SAS) to every request.
    ///
    /// The value is the SAS query string without a leading `?`, such as `sv=…&sp=r&sig=…`.
    case sharedAccessSignature(String)
    /// Sends requests unsigned, for public blob containers.
    case anonymous
}

extension StorageCredential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The kind of credential; a key prints as `<redacted>`, a SAS with its `sig` value redacted.
    public var description: String {
        switch self {
        case .sharedKey(let key):
            "sharedKey(\(key))"
        case .sharedAccessSignature(let signature):
            "sharedAccessSignature(\(Self.redacted(sharedAccessSignature: signature)))"
        case .anonymous:
            "anonymous"
        }
    }

    /// The same text as `description`, so `String(reflecting:)` is as safe as interpolation.
    public var debugDescription: String { self.description }

    /// A mirror with no children, so `dump` shows only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }

    /// The SAS with every parameter that could be secret replaced by `<redacted>`.
    ///
    /// Only parameters with a short alphabetic name other than `sig` are shown: the `sig` value is
    /// the secret, and anything else odd (a parameter without a name, a key pasted where a SAS
    /// belongs) is hidden whole, because this text ends up in logs.
    private static func redacted(sharedAccessSignature: String) -> String {
        let parameters = sharedAccessSignature.split(separator: "&", omittingEmptySubsequences: false)
        return parameters.map { parameter -> String in
            guard let equals = parameter.firstIndex(of: "=") else { return "<redacted>" }
            let name = parameter[..<equals]
            if name.lowercased() == "sig" { return "\(name)=<redacted>" }
            let isPlainName = (1...12).contains(name.count) && name.allSatisfy { $0.isASCII && $0.isLetter }
            return isPlainName ? String(parameter) : "<redacted>"
        }.joined(separator: "&")
    }
}
