//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// An account the emulator serves: a name and one or two keys, as Azure accounts have.
public struct EmulatorAccount: Sendable, Hashable {
    /// The account name, the first path segment of every request.
    public let name: String
    /// The keys that verify signatures; requests signed with any of them are accepted.
    public let keys: [StorageAccountKey]

    /// Creates an account.
    public init(name: String, keys: [StorageAccountKey]) {
        self.name = name
        self.keys = keys
    }

    /// The well-known development account, `devstoreaccount1`, which is always served.
    public static let development: EmulatorAccount = {
        guard case .sharedKey(let key) = StorageAccount.developmentStorage.credential else {
            preconditionFailure("The development account is defined with a shared key.")
        }
        return EmulatorAccount(name: StorageAccount.developmentStorage.name, keys: [key])
    }()
}
