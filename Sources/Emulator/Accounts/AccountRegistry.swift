//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The accounts an emulator serves, looked up by name.
///
/// Always holds the development account; more come from `--accounts` or `AZURITE_ACCOUNTS`, in
/// Azurite's format `name:key1[:key2];name2:key1`, so existing set-ups carry over unchanged.
public struct AccountRegistry: Sendable {
    private let accounts: [String: EmulatorAccount]

    /// A registry with the development account and `additional` ones; a later account of the same
    /// name replaces an earlier one, except that the development account's key cannot be changed.
    public init(additional: [EmulatorAccount] = []) {
        var accounts: [String: EmulatorAccount] = [:]
        for account in additional {
            accounts[account.name] = account
        }
        accounts[EmulatorAccount.development.name] = .development
        self.accounts = accounts
    }

    /// The account with this name, compared exactly (account names are lowercase in Azure).
    public func account(named name: String) -> EmulatorAccount? {
        self.accounts[name]
    }

    /// Every account name, sorted.
    public var names: [String] {
        self.accounts.keys.sorted()
    }

    /// Parses Azurite's account list, `name:key1[:key2];name2:key1`.
    ///
    /// - Throws: ``StorageConfigurationError`` naming the entry that is wrong; keys never appear
    ///   in messages.
    public static func parseAccountList(_ text: String) throws -> [EmulatorAccount] {
        var accounts: [EmulatorAccount] = []
        let entries = text.split(separator: ";", omittingEmptySubsequences: true)
        for (index, entry) in entries.enumerated() {
            let fields = entry.split(separator: ":", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            let name = fields[0]
            guard !name.isEmpty, name.utf8.count <= 24,
                name.utf8.allSatisfy({ (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) })
            else {
                throw StorageConfigurationError(
                    code: .invalidSetting,
                    message: "Account entry \(index + 1) needs a name of 1 to 24 lowercase letters and digits.")
            }
            guard (2...3).contains(fields.count) else {
                throw StorageConfigurationError(
                    code: .invalidSetting, message: "Account '\(name)' needs one or two keys: name:key1[:key2].")
            }
            var keys: [StorageAccountKey] = []
            for (keyIndex, keyText) in fields.dropFirst().enumerated() {
                do {
                    keys.append(try StorageAccountKey(base64: keyText))
                } catch {
                    throw StorageConfigurationError(
                        code: .invalidAccountKey,
                        message: "Key \(keyIndex + 1) of account '\(name)' is not valid base64.")
                }
            }
            accounts.append(EmulatorAccount(name: name, keys: keys))
        }
        return accounts
    }
}
