//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

extension StorageAccount {
    /// The environment variable that holds a connection string, as the Azure SDKs and tools name it.
    public static let connectionStringEnvironmentVariable = "AZURE_STORAGE_CONNECTION_STRING"

    /// Reads the account from the connection string in `AZURE_STORAGE_CONNECTION_STRING`.
    ///
    /// A variable that is set but blank counts as absent, as container tools leave `VAR=` behind.
    ///
    /// - Parameter environment: The variables to read; the process environment unless a test
    ///   gives its own.
    /// - Throws: ``StorageConfigurationError`` with code `noConnectionString` when the variable is
    ///   absent or blank, else the error of ``init(connectionString:)`` with its message prefixed
    ///   by the variable's name, so the user knows where the bad string came from.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> StorageAccount {
        let variable = Self.connectionStringEnvironmentVariable
        guard let text = environment[variable], !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw StorageConfigurationError(
                code: .noConnectionString,
                message: "No connection string was given and '\(variable)' is not set.")
        }
        do {
            return try StorageAccount(connectionString: text)
        } catch let error as StorageConfigurationError {
            throw StorageConfigurationError(code: error.code, message: "In '\(variable)': \(error.message)")
        }
    }

    /// Reads the account from a connection string if one is given, else from the environment.
    ///
    /// Suits a command-line option that may be left out: pass the option's value, and a missing
    /// option falls back to `AZURE_STORAGE_CONNECTION_STRING`. A given empty string is an error,
    /// not a fallback, because it usually means a mistake in the caller's configuration.
    ///
    /// - Parameters:
    ///   - connectionString: The connection string, or `nil` to read the environment.
    ///   - environment: The variables to read; the process environment unless a test gives its own.
    /// - Throws: ``StorageConfigurationError``, as ``init(connectionString:)`` and
    ///   ``fromEnvironment(_:)`` do.
    public init(
        connectionString: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        if let connectionString {
            try self.init(connectionString: connectionString)
        } else {
            self = try Self.fromEnvironment(environment)
        }
    }
}
