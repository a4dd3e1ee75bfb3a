//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension StorageEmulator {
    /// Starts the admin endpoint, refusing any address that is not loopback: it has no
    /// authentication and can make every service fail.
    static func startAdmin(
        _ configuration: Configuration, port: Int, faults: FaultInjector, log: EmulatorLog
    ) throws -> HTTPServer {
        guard FaultAdminService.isLoopback(host: configuration.adminHost) else {
            throw HTTPServerError(
                code: .invalidConfiguration,
                message: "the admin endpoint listens on loopback only, not on \(configuration.adminHost)")
        }
        let service = FaultAdminService(injector: faults, log: log)
        var serverConfiguration = HTTPServer.Configuration(host: configuration.adminHost, port: port)
        serverConfiguration.threadCount = 1
        serverConfiguration.maximumBodyBytes = 64 * 1024
        serverConfiguration.errorLog = { log.log(.warning, "admin http: \($0)") }
        return try HTTPServer(configuration: serverConfiguration) { service.handle($0) }
    }

    /// The admin endpoint as printed: `http://127.0.0.1:<port>/faults`.
    static func adminEndpoint(_ server: HTTPServer) -> Endpoint {
        guard let url = URL(string: "http://\(server.host):\(server.port)\(FaultAdminService.path)") else {
            preconditionFailure("A dotted IPv4 address and a port always form a URL.")
        }
        return Endpoint(service: "Admin", url: url, port: server.port)
    }
}
