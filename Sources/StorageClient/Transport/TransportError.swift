//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A failure to complete an HTTP exchange: no full response arrived.
///
/// Distinct from ``StorageCore/StorageError``, which means the service answered. Callers that
/// retry must look at ``Code/mayHaveReachedServer``: when it is true a write may have been
/// applied even though no answer came back.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidRequest, hostNotFound, connectFailed, timedOut, connectionLost,
                responseTooLarge, shutDown, other
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The request could not be sent as given: a bad URL, a header with a line break.
        public static let invalidRequest = Code(.invalidRequest)
        /// The host name did not resolve.
        public static let hostNotFound = Code(.hostNotFound)
        /// No connection could be made; the server never saw the request.
        public static let connectFailed = Code(.connectFailed)
        /// The exchange did not finish within its timeout.
        public static let timedOut = Code(.timedOut)
        /// The connection broke before the whole response arrived.
        public static let connectionLost = Code(.connectionLost)
        /// The response body was larger than the transport accepts.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The transport was shut down before the exchange finished.
        public static let shutDown = Code(.shutDown)
        /// Any other libcurl failure.
        public static let other = Code(.other)

        /// Whether the server may have received, and acted on, the request.
        ///
        /// False only when the request certainly never left: resolution, connection or
        /// validation failures. Everything else is ambiguous for a write.
        public var mayHaveReachedServer: Bool {
            switch self.base {
            case .invalidRequest, .hostNotFound, .connectFailed: false
            case .timedOut, .connectionLost, .responseTooLarge, .shutDown, .other: true
            }
        }

        /// The code's name.
        public var description: String { self.base.rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A description from libcurl or the transport.
    public var message: String
    /// The libcurl result code, when libcurl reported the failure.
    public var curlCode: Int?

    /// Creates an error.
    public init(code: Code, message: String, curlCode: Int? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
