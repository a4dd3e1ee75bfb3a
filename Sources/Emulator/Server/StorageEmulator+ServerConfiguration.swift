//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension StorageEmulator.Configuration {
    /// The HTTP server settings every service shares: address, threads, and the limits that keep
    /// the emulator's memory bounded under load.
    ///
    /// - Parameters:
    ///   - port: The service's port.
    ///   - service: The name its HTTP-layer messages are logged under, such as `table`.
    func serverConfiguration(port: Int, service: String, log: EmulatorLog) -> HTTPServer.Configuration {
        var configuration = HTTPServer.Configuration(host: self.host, port: port)
        configuration.threadCount = self.threadCount
        configuration.maximumConnections = self.maximumConnections
        configuration.maximumRequestsInFlight = self.maximumRequestsInFlight
        configuration.requestReceiveTimeout = self.requestReceiveTimeout
        configuration.errorLog = { log.log(.warning, "\(service) http: \($0)") }
        return configuration
    }
}

extension StorageEmulator {
    /// Whether `host` is a loopback address, reachable only from this machine.
    ///
    /// `localhost` and every `127.x.x.x` address are; anything else, `0.0.0.0` included, may be
    /// reachable from the network, where the emulator's well-known development key protects
    /// nothing.
    public static func isLoopback(host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" {
            return true
        }
        let octets = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
