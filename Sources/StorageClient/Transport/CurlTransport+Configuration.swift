//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension CurlTransport {
    /// Settings for a ``CurlTransport``.
    public struct Configuration: Sendable, Hashable {
        /// The limit on establishing a connection.
        public var connectTimeout: Duration
        /// The default limit on a whole exchange, from sending to the last response byte;
        /// a request's own ``HTTPClientRequest/timeout`` overrides it.
        public var requestTimeout: Duration
        /// How many connections may stay open, idle, for reuse.
        public var maximumIdleConnections: Int
        /// The most connections open to one host at once; further requests wait for one.
        /// Zero means no limit.
        public var maximumConnectionsPerHost: Int
        /// The largest response body accepted; larger ones fail with
        /// ``TransportError/Code/responseTooLarge`` instead of exhausting memory.
        public var maximumResponseBytes: Int
        /// The `User-Agent` sent when a request has none.
        public var userAgent: String

        /// Creates settings; the defaults suit a service talking to storage on a LAN or loopback.
        public init(
            connectTimeout: Duration = .seconds(5),
            requestTimeout: Duration = .seconds(30),
            maximumIdleConnections: Int = 64,
            maximumConnectionsPerHost: Int = 0,
            maximumResponseBytes: Int = 256 * 1024 * 1024,
            userAgent: String = "Baton/0.1"
        ) {
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.maximumIdleConnections = maximumIdleConnections
            self.maximumConnectionsPerHost = maximumConnectionsPerHost
            self.maximumResponseBytes = maximumResponseBytes
            self.userAgent = userAgent
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, for libcurl's `_MS` options (0 would mean "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
