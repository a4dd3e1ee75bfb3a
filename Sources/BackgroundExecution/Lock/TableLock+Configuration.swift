//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
public import StorageCore

extension TableLock {
    /// Where a ``TableLock`` keeps its rows, and how it behaves.
    public struct Configuration: Sendable {
        /// The storage account holding the lock table.
        public var account: StorageAccount
        /// The table, created on first use if missing.
        public var tableName: String = "locks"
        /// The PartitionKey of every lock row: locks in one scope exclude each other.
        ///
        /// The original `CloudStorageTableLock` used the caller's correlation id here, so
        /// callers with different ids never excluded each other; a fixed scope fixes that.
        public var scope: String = "locks"
        /// How long ``Lock/acquire(key:ttl:timeout:)`` waits between attempts.
        public var retryTimeout: Duration = .milliseconds(100)
        /// Added to a holder's TTL before others may take its lock over, to absorb the skew
        /// between the storage front ends that stamp entities and answer with `Date`.
        public var expiryMargin: Duration = .seconds(1)
        /// A readable prefix of every owner id (host and process), for diagnosing who holds what.
        public var ownerPrefix: String = Self.defaultOwnerPrefix

        /// A configuration for `account` with the defaults.
        public init(account: StorageAccount) {
            self.account = account
        }

        /// A configuration from a connection string, or from `AZURE_STORAGE_CONNECTION_STRING`
        /// when `connectionString` is `nil`.
        public init(
            connectionString: String?, environment: [String: String] = ProcessInfo.processInfo.environment
        ) throws {
            self.init(account: try StorageAccount(connectionString: connectionString, environment: environment))
        }

        /// A configuration from pip-services `ConfigParams` keys, as `CloudStorageTableLock`
        /// reads them: `table`, `connection.protocol`, `credential.access_id`,
        /// `credential.access_key` and `options.retry_timeout` (milliseconds) — honoured,
        /// unlike the original, which ignored it. `connection.connection_string` (or
        /// `AZURE_STORAGE_CONNECTION_STRING`) may stand in for the account keys, and
        /// `connection.uri` names a table endpoint such as the emulator's.
        ///
        /// - Throws: ``LockError`` `invalidConfiguration` naming the missing or bad key.
        public init(
            parameters: [String: String], environment: [String: String] = ProcessInfo.processInfo.environment
        ) throws {
            let account: StorageAccount
            if let accountName = parameters["credential.access_id"], let key = parameters["credential.access_key"] {
                var settings = [
                    "DefaultEndpointsProtocol=\(parameters["connection.protocol"] ?? "https")",
                    "AccountName=\(accountName)", "AccountKey=\(key)",
                ]
                if let uri = parameters["connection.uri"] { settings.append("TableEndpoint=\(uri)") }
                do {
                    account = try StorageAccount(connectionString: settings.joined(separator: ";"))
                } catch {
                    throw LockError(
                        code: .invalidConfiguration, key: "",
                        message: "The lock's credential.access_id/access_key do not form an account: \(error)")
                }
            } else {
                do {
                    account = try StorageAccount(
                        connectionString: parameters["connection.connection_string"], environment: environment)
                } catch {
                    throw LockError(
                        code: .invalidConfiguration, key: "",
                        message: "Give credential.access_id and credential.access_key, connection.connection_string, "
                            + "or AZURE_STORAGE_CONNECTION_STRING: \(error)")
                }
            }
            self.init(account: account)
            if let table = parameters["table"], !table.isEmpty { self.tableName = table }
            if let text = parameters["options.retry_timeout"] {
                guard let milliseconds = Int(text), milliseconds > 0 else {
                    throw LockError(
                        code: .invalidConfiguration, key: "",
                        message: "options.retry_timeout must be a positive number of milliseconds, not '\(text)'.")
                }
                self.retryTimeout = .milliseconds(milliseconds)
            }
        }

        private static let defaultOwnerPrefix: String = {
            let host = ProcessInfo.processInfo.hostName
            return "\(host.isEmpty ? "host" : host)-\(ProcessInfo.processInfo.processIdentifier)"
        }()
    }
}
