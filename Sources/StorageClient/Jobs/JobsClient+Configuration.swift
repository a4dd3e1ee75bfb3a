//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension JobsClient {
    /// Where a ``JobsClient`` sends its commands, and how long it waits.
    public struct Configuration: Sendable, Hashable {
        /// The service's base URL, without the `/v1/jobs` path: the emulator's Jobs port by default.
        public var baseURL: String
        /// The limit on each call, from sending to the last response byte.
        public var timeout: Duration
        /// The token sent as `Authorization: Bearer <token>`, for a service that requires one
        /// (the emulator's `--jobs-token`); `nil` sends none, as pip-services clients do.
        public var token: String?

        /// Creates settings.
        public init(baseURL: String = "http://127.0.0.1:10003", timeout: Duration = .seconds(30), token: String? = nil)
        {
            self.baseURL = baseURL
            self.timeout = timeout
            self.token = token
        }
    }
}
