//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// How a ``JobsClient`` proves who sends its commands.
///
/// The emulator's Jobs service refuses unauthenticated commands unless it was started with
/// `--jobs-anonymous`: a command is signed like a Table request (`SharedKey account:signature`
/// over the method, content type, `x-ms-date` and `/account/v1/jobs/<command>`) with a key of an
/// account the emulator serves, or carries the bearer token given to `--jobs-token`.
/// A pip-services Jobs service has no authentication of its own; use ``none`` for it.
///
/// The secret never shows: a key prints as `<redacted>` and a token as `Bearer <redacted>`.
public enum JobsCredential: Sendable, Hashable {
    /// Signs every command with an account's shared key, as Table requests are signed.
    case sharedKey(accountName: String, key: StorageAccountKey)
    /// Sends `Authorization: Bearer <token>` with every command.
    case bearerToken(String)
    /// Sends commands unsigned, for a service without authentication.
    case none

    /// The emulator's development account, `devstoreaccount1` with its well-known key: what a
    /// client of a locally started emulator uses, like `UseDevelopmentStorage=true`.
    public static var developmentStorage: Self {
        Self(account: .developmentStorage)
    }

    /// The credential of a storage account: its shared key signs, its SAS cannot (a SAS grants
    /// access to storage resources, and Jobs commands are none), and an anonymous account sends
    /// nothing.
    public init(account: StorageAccount) {
        switch account.credential {
        case .sharedKey(let key):
            self = .sharedKey(accountName: account.name, key: key)
        case .sharedAccessSignature, .anonymous:
            self = .none
        }
    }
}

extension JobsCredential: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The kind of credential with its secret redacted.
    public var description: String {
        switch self {
        case .sharedKey(let accountName, let key):
            "sharedKey(\(accountName), \(key))"
        case .bearerToken:
            "Bearer <redacted>"
        case .none:
            "none"
        }
    }

    /// The same text as `description`, so `String(reflecting:)` is as safe as interpolation.
    public var debugDescription: String { self.description }

    /// A mirror with no children, so `dump` shows only the redacted description.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .enum) }
}
