//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A reason the emulator's HTTP server could not start.
///
/// Running servers do not throw: problems with single requests are answered with an HTTP
/// status, so every error here happens in ``HTTPServer/init(configuration:handler:)``.
public struct HTTPServerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of start-up problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A configuration value is out of range, such as a port above 65535.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The host is neither an IPv4 literal nor a name that resolves to an IPv4 address.
        public static let addressResolutionFailed = Code("addressResolutionFailed")
        /// The address could not be bound: it is in use, not local, or needs privileges.
        public static let bindFailed = Code("bindFailed")
        /// libmicrohttpd refused to start for another reason, such as failing to create threads.
        public static let startFailed = Code("startFailed")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What kind of problem this is.
    public let code: Code
    /// What went wrong, including the operating system's explanation where there is one.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
