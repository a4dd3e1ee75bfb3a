//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The running Jobs service: its store, its HTTP server and its cleanup thread, started and
/// stopped together by ``StorageEmulator``.
final class JobsRuntime: Sendable {
    /// The endpoint as printed: `http://<host>:<port>/v1/jobs`.
    let endpoint: StorageEmulator.Endpoint
    /// The store in `jobs.sqlite` under the location, or in memory.
    private let store: JobsStore
    /// The HTTP server.
    private let server: HTTPServer
    /// The cleanup; `nil` when the clean interval is zero.
    private let cleaner: JobsCleaner?

    /// Opens the store and starts the server and the cleanup.
    ///
    /// - Throws: The store's error when the location cannot be opened, or ``HTTPServerError``
    ///   when the port cannot be bound; nothing is left running after a throw.
    init(
        configuration: StorageEmulator.Configuration, port: Int, accounts: AccountRegistry, faults: FaultInjector,
        log: EmulatorLog
    ) throws {
        let store = try JobsStore(
            location: configuration.inMemory ? .inMemory : .directory(configuration.location),
            maximumRetries: configuration.jobsMaximumRetries)
        let service = JobsService(
            store: store, log: log, accounts: accounts, bearerToken: configuration.jobsToken,
            allowsAnonymous: configuration.jobsAllowsAnonymous)
        var serverConfiguration = configuration.serverConfiguration(port: port, service: "jobs", log: log)
        serverConfiguration.maximumBodyBytes = JobsService.maximumBodyBytes
        serverConfiguration.oversizedBodyResponse = { service.oversizedBodyResponse($0) }
        serverConfiguration.serverBusyResponse = { service.serverBusyResponse($0) }
        serverConfiguration.targetTooLongResponse = { service.targetTooLongResponse($0) }
        let server: HTTPServer
        do {
            server = try HTTPServer(
                configuration: serverConfiguration, handler: faults.handler(for: .jobs) { service.handle($0) })
        } catch {
            store.close()
            throw error
        }
        guard let url = URL(string: "http://\(server.host):\(server.port)\(JobsService.basePath)") else {
            preconditionFailure("A dotted IPv4 address and a port always form a URL.")
        }
        self.endpoint = StorageEmulator.Endpoint(service: "Jobs", url: url, port: server.port)
        self.store = store
        self.server = server
        self.cleaner =
            configuration.jobsCleanInterval > .zero
            ? JobsCleaner(store: store, interval: configuration.jobsCleanInterval, log: log) : nil
    }

    /// Stops the cleanup and the server, then closes the store. Idempotent.
    func shutdown() {
        self.cleaner?.stop()
        self.server.shutdown()
        self.store.close()
    }
}
