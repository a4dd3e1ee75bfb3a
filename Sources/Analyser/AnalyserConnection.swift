//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
public import Foundation
import StorageClient
public import StorageCore

/// Where the analyser's tables, queue and jobs live, and the names it uses there.
public struct AnalyserConnection: Sendable {
    /// The table `analyses`: one row per analysed file and strategy, written insert-only.
    public static let analysesTableName = "analyses"
    /// The table `analyserruns`: one row per unit of work a worker performed.
    public static let runsTableName = "analyserruns"
    /// The queue each upload sends a message to.
    public static let queueName = "newfiles"
    /// The job type each upload adds, and the lock key of the lock strategy.
    public static let workName = "AnalysisOfNewFiles"

    /// The storage account holding the tables, the queue and the lock.
    public var account: StorageAccount
    /// The Jobs service's base URL.
    public var jobsURL: String
    /// How long one request may take before it fails as timed out; the transport's own default
    /// (30 s) when `nil`. A short one lets a worker give up on a stalled answer well within its
    /// lease, as the fault-injection runs need.
    public var requestTimeout: Duration? {
        didSet {
            self.transport =
                self.requestTimeout.map { CurlTransport(configuration: .init(requestTimeout: $0)) }
                ?? CurlTransport.shared
        }
    }
    /// What sends every request: the shared transport, or one with ``requestTimeout``.
    private var transport: any HTTPTransport = CurlTransport.shared

    /// A connection to `account` and the Jobs service at `jobsURL`; a trailing `/v1/jobs` (as
    /// the emulator prints its endpoint) is dropped.
    public init(account: StorageAccount, jobsURL: String = "http://127.0.0.1:10003") {
        self.account = account
        var base = jobsURL
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/v1/jobs") { base.removeLast("/v1/jobs".count) }
        self.jobsURL = base
    }

    /// A connection from a connection string, else `AZURE_STORAGE_CONNECTION_STRING`, else
    /// `UseDevelopmentStorage=true`.
    public init(
        connectionString: String?, jobsURL: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let text =
            connectionString ?? environment["AZURE_STORAGE_CONNECTION_STRING"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "UseDevelopmentStorage=true"
        self.init(account: try StorageAccount(connectionString: text), jobsURL: jobsURL ?? "http://127.0.0.1:10003")
    }

    /// A client for one of the analyser's tables.
    func table(_ name: String) -> TableClient {
        TableClient(account: self.account, tableName: name, transport: self.transport)
    }

    /// The `newfiles` queue, with messages locked for `lockTimeout`, created if missing.
    func openQueue(lockTimeout: Duration) async throws -> StorageMessageQueue {
        let client = QueueClient(account: self.account, queueName: Self.queueName, transport: self.transport)
        let queue = StorageMessageQueue(
            client: client, configuration: MessageQueueConfiguration(lockTimeout: lockTimeout))
        try await queue.open()
        return queue
    }

    /// A client for the Jobs service.
    func jobs() -> JobsClient {
        JobsClient(
            configuration: JobsClient.Configuration(
                baseURL: self.jobsURL, timeout: self.requestTimeout ?? .seconds(30),
                credential: JobsCredential(account: self.account)),
            transport: self.transport)
    }

    /// A lock on the lock table of the account.
    func lock() -> TableLock {
        TableLock(configuration: TableLock.Configuration(account: self.account), transport: self.transport)
    }
}
