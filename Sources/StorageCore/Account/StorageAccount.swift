//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// A storage account: its name, its credential and the service endpoints to send requests to.
///
/// Build one from a connection string with ``init(connectionString:)``, from the environment with
/// ``fromEnvironment(_:)``, or use ``developmentStorage`` for a local emulator.
///
/// The account is safe to log: its `description`, `debugDescription` and reflection never show
/// the account key or a SAS signature. Its ``connectionString`` does, and must be kept secret.
public struct StorageAccount: Sendable, Equatable {
    /// The account name, used in shared-key signatures and path-style URLs.
    public let name: String
    /// How requests prove who sent them.
    public let credential: StorageCredential
    /// The Table service root, such as `https://acct.table.core.windows.net`; `nil` when the
    /// connection string neither gave it nor allowed deriving it.
    public let tableEndpoint: URL?
    /// The Queue service root, such as `https://acct.queue.core.windows.net`; `nil` when the
    /// connection string neither gave it nor allowed deriving it.
    public let queueEndpoint: URL?
    /// The Blob service root, such as `https://acct.blob.core.windows.net`; `nil` when the
    /// connection string neither gave it nor allowed deriving it.
    public let blobEndpoint: URL?
    /// Whether this is the emulator's well-known account, as chosen by
    /// `UseDevelopmentStorage=true` or ``developmentStorage``.
    ///
    /// An explicit connection string naming `devstoreaccount1` is not flagged: the flag records
    /// what was asked for, not a guess from the values.
    public let isDevelopmentStorage: Bool

    /// The local emulator's well-known account, `devstoreaccount1`, at `http://127.0.0.1` on the
    /// emulator ports: Blob 10000, Queue 10001, Table 10002.
    ///
    /// Its key is published by Microsoft and is no secret; it only works against emulators.
    public static let developmentStorage = Self.developmentStorage(scheme: "http", host: "127.0.0.1")

    /// The name of the emulator's well-known account.
    private static let developmentStorageAccountName = "devstoreaccount1"

    /// The emulator's well-known account served from another host, as
    /// `DevelopmentStorageProxyUri` asks; the ports and the path stay those of the emulator.
    ///
    /// - Parameters:
    ///   - scheme: `http` or `https`.
    ///   - host: A host as `URLComponents.percentEncodedHost` holds it, so IPv6 literals survive.
    static func developmentStorage(scheme: String, host: String) -> StorageAccount {
        func endpoint(port: Int) -> URL {
            var components = URLComponents()
            components.scheme = scheme
            components.percentEncodedHost = host
            components.port = port
            components.path = "/" + Self.developmentStorageAccountName
            guard let url = components.url else {
                preconditionFailure("A validated scheme and host always form an emulator URL.")
            }
            return url
        }
        let key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
        guard let bytes = Data(base64Encoded: key) else {
            preconditionFailure("The published development key is valid base64.")
        }
        return StorageAccount(
            name: Self.developmentStorageAccountName,
            credential: .sharedKey(StorageAccountKey(bytes: Array(bytes))),
            tableEndpoint: endpoint(port: 10002),
            queueEndpoint: endpoint(port: 10001),
            blobEndpoint: endpoint(port: 10000),
            isDevelopmentStorage: true)
    }
}

extension StorageAccount: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The name, the redacted credential and the endpoints that are set.
    public var description: String {
        var parts = ["name: \(self.name)", "credential: \(self.credential)"]
        if let table = self.tableEndpoint { parts.append("tableEndpoint: \(table.absoluteString)") }
        if let queue = self.queueEndpoint { parts.append("queueEndpoint: \(queue.absoluteString)") }
        if let blob = self.blobEndpoint { parts.append("blobEndpoint: \(blob.absoluteString)") }
        if self.isDevelopmentStorage { parts.append("isDevelopmentStorage: true") }
        return "StorageAccount(\(parts.joined(separator: ", ")))"
    }

    /// The same text as `description`, so `String(reflecting:)` is as safe as interpolation.
    public var debugDescription: String { self.description }

    /// The properties with endpoints as text, so `dump` shows URLs rather than their parser state,
    /// and the credential through its own redacting mirror.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "name": self.name,
                "credential": self.credential,
                "tableEndpoint": self.tableEndpoint?.absoluteString as Any,
                "queueEndpoint": self.queueEndpoint?.absoluteString as Any,
                "blobEndpoint": self.blobEndpoint?.absoluteString as Any,
                "isDevelopmentStorage": self.isDevelopmentStorage,
            ],
            displayStyle: .struct)
    }
}

extension StorageAccount {
    /// The endpoint of one service, or `nil` when the account has none for it.
    public func endpoint(for service: StorageService) -> URL? {
        switch service {
        case .table: self.tableEndpoint
        case .queue: self.queueEndpoint
        case .blob: self.blobEndpoint
        }
    }
}
