//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// An in-process emulator on a free port, in memory, for one test.
///
/// Tests run in parallel; each starts its own, so no test sees another's tables.
final class TestTableService: Sendable {
    /// The published development key, which only works against emulators.
    static let developmentKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    let emulator: StorageEmulator
    /// The table endpoint, `http://127.0.0.1:<port>/devstoreaccount1`.
    let endpoint: URL

    init() throws {
        var configuration = StorageEmulator.Configuration()
        configuration.jobsPort = nil
        configuration.tablePort = 0
        configuration.queuePort = nil
        configuration.inMemory = true
        configuration.threadCount = 4
        configuration.logLevel = .error
        self.emulator = try StorageEmulator(configuration: configuration)
        self.endpoint = self.emulator.endpoints[0].url
    }

    deinit {
        self.emulator.shutdown()
    }

    /// The explicit form of `UseDevelopmentStorage=true`, pointed at this emulator's port.
    var connectionString: String {
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(Self.developmentKey);"
            + "TableEndpoint=\(self.endpoint.absoluteString);"
    }

    /// The development account at this emulator.
    func account() throws -> StorageAccount {
        try StorageAccount(connectionString: self.connectionString)
    }

    /// A client for `tableName` with the shared key.
    func client(_ tableName: String) throws -> TableClient {
        TableClient(account: try self.account(), tableName: tableName)
    }

    /// A client for a new table, created.
    func newTable(_ prefix: String = "t") async throws -> TableClient {
        let client = try self.client(Self.uniqueTableName(prefix))
        try await client.createTable()
        return client
    }

    /// A client authorized by a table SAS for `tableName` with `permissions`, valid for an hour.
    func sasClient(_ tableName: String, permissions: TableSASPermissions) throws -> TableClient {
        let key = try StorageAccountKey(base64: Self.developmentKey)
        let expiry = PreciseTimestamp(ticksSinceEpoch: PreciseTimestamp.now().ticksSinceEpoch + 3_600 * 10_000_000)
        let sas = TableSASValues(tableName: tableName, permissions: permissions, expiry: expiry)
            .queryString(accountName: "devstoreaccount1", key: key)
        let account = try StorageAccount(
            connectionString: "AccountName=devstoreaccount1;SharedAccessSignature=\(sas);"
                + "TableEndpoint=\(self.endpoint.absoluteString)")
        return TableClient(account: account, tableName: tableName)
    }

    /// A valid table name no other test uses.
    static func uniqueTableName(_ prefix: String = "t") -> String {
        prefix + UUID().uuidString.replacing("-", with: "").prefix(20).lowercased()
    }
}

/// Runs `body` and returns the ``StorageError`` it threw, recording an issue when it threw
/// nothing or something else.
func storageError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> StorageError? {
    do {
        try await body()
        Issue.record("expected a StorageError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as StorageError {
        return error
    } catch {
        Issue.record("expected a StorageError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A transport that records every request and answers from a closure, for checking the exact
/// bytes a client puts on the wire.
final class RecordingTransport: HTTPTransport {
    private let recorded = Mutex<[HTTPClientRequest]>([])
    private let answer: @Sendable (HTTPClientRequest) -> HTTPClientResponse

    init(answer: @escaping @Sendable (HTTPClientRequest) -> HTTPClientResponse) {
        self.answer = answer
    }

    /// The requests sent so far, in order.
    var requests: [HTTPClientRequest] {
        self.recorded.withLock { $0 }
    }

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        self.recorded.withLock { $0.append(request) }
        return self.answer(request)
    }
}

/// Whether two property sets are equal, with NaN doubles counted equal to each other.
func sameProperties(_ left: EntityProperties, _ right: EntityProperties) -> Bool {
    guard left.names == right.names else { return false }
    for (name, value) in left {
        switch (value, right[name]) {
        case (.double(let a), .double(let b)?) where a.isNaN && b.isNaN:
            continue
        case (.double(let a), .double(let b)?):
            guard a.bitPattern == b.bitPattern else { return false }
        default:
            guard value == right[name] else { return false }
        }
    }
    return true
}
