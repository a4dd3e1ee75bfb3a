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
        /// How commands prove who sends them: by default signed with the emulator's development
        /// account, which the emulator's Jobs service requires unless started `--jobs-anonymous`;
        /// ``JobsCredential/none`` for a pip-services service, which has no authentication.
        public var credential: JobsCredential

        /// Creates settings.
        public init(
            baseURL: String = "http://127.0.0.1:10003", timeout: Duration = .seconds(30),
            credential: JobsCredential = .developmentStorage
        ) {
            self.baseURL = baseURL
            self.timeout = timeout
            self.credential = credential
        }
    }
}
