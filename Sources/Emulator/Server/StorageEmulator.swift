//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// The storage emulator: every service on its own port, over one durable store location.
///
/// Embeddable: tests and the demo start one in-process on port 0 and read the bound ports;
/// the `storage-emulator` executable is a thin command line around it.
public final class StorageEmulator: Sendable {
    /// Where and how to run.
    public struct Configuration: Sendable {
        /// The address to bind; loopback unless told otherwise.
        public var host: String = "127.0.0.1"
        /// The Table service port; 0 picks a free one. `nil` leaves the service off.
        public var tablePort: Int? = 10002
        /// The Queue service port; 0 picks a free one. `nil` leaves the service off.
        public var queuePort: Int? = 10001
        /// The Jobs service port; 0 picks a free one. `nil` leaves the service off.
        public var jobsPort: Int? = 10003
        /// How often the Jobs service deletes completed, expired and exhausted jobs; zero turns
        /// the cleanup off. The default is 60 seconds.
        public var jobsCleanInterval: Duration = .seconds(60)
        /// How many claims a job gets before it is no longer handed out (`max_retries`).
        public var jobsMaximumRetries: Int = 10
        /// A token the Jobs service accepts as `Authorization: Bearer <token>`, besides a command
        /// signed with an account's shared key; `nil`, the default, accepts signatures only.
        public var jobsToken: String?
        /// Whether the Jobs service serves commands without any credential, as a pip-services
        /// Jobs service does, for clients that cannot sign; `false` by default.
        public var jobsAllowsAnonymous = false
        /// The directory holding the databases; ignored when ``inMemory``.
        public var location: URL = URL(fileURLWithPath: ".baton-emulator")
        /// Whether to keep everything in memory and lose it on exit.
        public var inMemory = false
        /// Accounts served besides `devstoreaccount1`.
        public var accounts: [EmulatorAccount] = []
        /// How much to log to standard error.
        public var logLevel: EmulatorLog.Level = .warning
        /// Threads per service answering requests; blocking database calls run on them.
        public var threadCount: Int = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        /// Connections each service keeps open at once; further ones are closed on arrival.
        public var maximumConnections: Int = 1000
        /// Requests each service admits at once, bodies being received included; further ones
        /// are answered 503 `ServerBusy` at once instead of waiting. The default is 256.
        public var maximumRequestsInFlight: Int = 256
        /// How long a request may take to arrive in full before its connection is closed, so a
        /// client trickling bytes cannot hold a connection forever; zero turns it off.
        public var requestReceiveTimeout: Duration = .seconds(60)
        /// The faults injected into Table, Queue and Jobs requests; none by default.
        public var faults = FaultSpec()
        /// The seed of the fault injector's draws, for a reproducible run; random when `nil`.
        public var faultsSeed: UInt64?
        /// The admin endpoint's port (`/faults`); `nil`, the default, leaves it off.
        public var adminPort: Int?
        /// The admin endpoint's address; only loopback addresses are accepted.
        public var adminHost: String = "127.0.0.1"

        /// The defaults: Azurite's ports on 127.0.0.1, data under `./.baton-emulator`.
        public init() {}
    }

    /// One running service.
    public struct Endpoint: Sendable, Hashable {
        /// The service's name as printed: `Table`, `Queue` or `Jobs`.
        public let service: String
        /// The base URL clients use, such as `http://127.0.0.1:10002/devstoreaccount1`.
        public let url: URL
        /// The bound port.
        public let port: Int
    }

    /// The services that are listening, in start order.
    public let endpoints: [Endpoint]
    /// Decides the faults injected into requests; its specification can change at any time.
    public let faultInjector: FaultInjector
    private let servers: [HTTPServer]
    private let tableStore: TableStore?
    private let queueStore: QueueStore?
    private let jobs: JobsRuntime?

    /// Opens the stores and starts every configured service.
    ///
    /// - Throws: ``HTTPServerError`` when a port cannot be bound, or the store's error when
    ///   the location cannot be opened. Nothing is left running after a throw.
    public init(configuration: Configuration) throws {
        let log = EmulatorLog(level: configuration.logLevel)
        let accounts = AccountRegistry(additional: configuration.accounts)
        let faults = FaultInjector(spec: configuration.faults, seed: configuration.faultsSeed)
        var servers: [HTTPServer] = []
        var endpoints: [Endpoint] = []
        var tableStore: TableStore?
        var queueStore: QueueStore?
        var jobs: JobsRuntime?
        do {
            if let tablePort = configuration.tablePort {
                let store = try TableStore(
                    location: configuration.inMemory ? .inMemory : .directory(configuration.location))
                tableStore = store
                let service = TableService(store: store, accounts: accounts, log: log)
                let server = try Self.startServer(
                    for: service, port: tablePort,
                    handler: faults.handler(for: .table) { service.handle($0) }, configuration: configuration,
                    log: log)
                servers.append(server)
                endpoints.append(Self.endpoint("Table", server: server))
            }
            if let queuePort = configuration.queuePort {
                let store = try QueueStore(
                    location: configuration.inMemory ? .inMemory : .directory(configuration.location))
                queueStore = store
                let service = QueueService(store: store, accounts: accounts, log: log)
                let server = try Self.startServer(
                    for: service, port: queuePort,
                    handler: faults.handler(for: .queue) { service.handle($0) }, configuration: configuration,
                    log: log)
                servers.append(server)
                endpoints.append(Self.endpoint("Queue", server: server))
            }
            if let jobsPort = configuration.jobsPort {
                let runtime = try JobsRuntime(
                    configuration: configuration, port: jobsPort, accounts: accounts, faults: faults, log: log)
                jobs = runtime
                endpoints.append(runtime.endpoint)
            }
            if let adminPort = configuration.adminPort {
                let server = try Self.startAdmin(configuration, port: adminPort, faults: faults, log: log)
                servers.append(server)
                endpoints.append(Self.adminEndpoint(server))
            }
        } catch {
            for server in servers { server.shutdown() }
            tableStore?.close()
            queueStore?.close()
            jobs?.shutdown()
            throw error
        }
        self.servers = servers
        self.endpoints = endpoints
        self.tableStore = tableStore
        self.queueStore = queueStore
        self.jobs = jobs
        self.faultInjector = faults
        if !configuration.faults.isEmpty {
            log.log(.warning, "injecting faults '\(configuration.faults)' with seed \(faults.seed)")
        }
        log.log(
            .info,
            "emulator started: \(endpoints.map { "\($0.service) \($0.url.absoluteString)" }.joined(separator: ", "))")
    }

    deinit {
        self.shutdown()
    }

    /// The lines announcing each service, as the executable prints them.
    public var listeningLines: [String] {
        self.endpoints.map { "\($0.service) service listening on \($0.url.absoluteString)" }
    }

    /// Stops every service, waiting for requests in progress, then closes the stores. Idempotent.
    public func shutdown() {
        for server in self.servers {
            server.shutdown()
        }
        self.tableStore?.close()
        self.queueStore?.close()
        self.jobs?.shutdown()
    }

    /// Starts the HTTP server of a storage service: its limits, its refusals in its own format,
    /// and `handler` (the service behind the fault injector) for everything else.
    private static func startServer(
        for service: some StorageHTTPService, port: Int,
        handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse,
        configuration: Configuration, log: EmulatorLog
    ) throws -> HTTPServer {
        var serverConfiguration = configuration.serverConfiguration(port: port, service: service.logName, log: log)
        serverConfiguration.maximumBodyBytes = type(of: service).maximumBodyBytes
        serverConfiguration.oversizedBodyResponse = { service.oversizedBodyResponse($0) }
        serverConfiguration.serverBusyResponse = { service.serverBusyResponse($0) }
        serverConfiguration.targetTooLongResponse = { service.targetTooLongResponse($0) }
        return try HTTPServer(configuration: serverConfiguration, handler: handler)
    }

    private static func endpoint(_ service: String, server: HTTPServer) -> Endpoint {
        let account = EmulatorAccount.development.name
        guard let url = URL(string: "http://\(server.host):\(server.port)/\(account)") else {
            preconditionFailure("A dotted IPv4 address and a port always form a URL.")
        }
        return Endpoint(service: service, url: url, port: server.port)
    }
}
