//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// An error answered by a storage service: the HTTP status, the service's error code, its
/// message and the request id to quote to support.
///
/// Distinct from transport failures (no answer at all), which the client reports as its own
/// error type: a `StorageError` always means the service received the request and said no.
public struct StorageError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code, such as 409.
    public var status: Int
    /// The service's error code, such as `EntityAlreadyExists`.
    public var code: StorageErrorCode
    /// The service's human-readable message.
    public var message: String
    /// The `x-ms-request-id` of the failed request, when the service sent one.
    public var requestID: String?

    /// Creates an error.
    public init(status: Int, code: StorageErrorCode, message: String, requestID: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
    }

    /// Status, code and message, plus the request id when known.
    public var description: String {
        var text = "\(self.status) \(self.code): \(self.message)"
        if let requestID = self.requestID { text += " (request \(requestID))" }
        return text
    }
}
