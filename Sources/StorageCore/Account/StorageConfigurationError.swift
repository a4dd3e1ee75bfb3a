//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A problem with how storage was configured: a connection string, an account key, an endpoint.
///
/// Messages name the part that is wrong and never repeat secret values.
public struct StorageConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of configuration problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A connection string that cannot be parsed at all.
        public static let malformedConnectionString = Code("malformedConnectionString")
        /// A connection-string key that Baton does not know.
        public static let unknownSetting = Code("unknownSetting")
        /// A setting given twice.
        public static let duplicateSetting = Code("duplicateSetting")
        /// Settings that are each valid but cannot be given together.
        public static let conflictingSettings = Code("conflictingSettings")
        /// A setting whose value is not acceptable.
        public static let invalidSetting = Code("invalidSetting")
        /// A required setting that is absent.
        public static let missingSetting = Code("missingSetting")
        /// An account key that is not base64.
        public static let invalidAccountKey = Code("invalidAccountKey")
        /// An endpoint that is not an absolute http or https URL.
        public static let invalidEndpoint = Code("invalidEndpoint")
        /// No connection string was given and none is in the environment.
        public static let noConnectionString = Code("noConnectionString")

        /// The code's name.
        public var description: String { self.name }
    }

    /// What kind of problem this is.
    public let code: Code
    /// What is wrong, naming the offending part but never a secret.
    public let message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
