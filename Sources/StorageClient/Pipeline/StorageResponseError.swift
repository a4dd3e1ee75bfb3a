//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A successful status whose response the client could not read: a body that is not the
/// expected JSON or multipart document, or a required header that is missing.
///
/// The service did receive the request and, by its status, acted on it; only the answer is
/// unusable. That is a fault of the service (or of something between it and the client), not of
/// the request, so it is reported apart from ``StorageCore/StorageError``.
public struct StorageResponseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status of the response.
    public var status: Int
    /// What could not be read.
    public var message: String
    /// The `x-ms-request-id` of the response, when the service sent one.
    public var requestID: String?

    /// Creates an error.
    public init(status: Int, message: String, requestID: String? = nil) {
        self.status = status
        self.message = message
        self.requestID = requestID
    }

    /// The status and the message, plus the request id when known.
    public var description: String {
        var text = "unreadable \(self.status) response: \(self.message)"
        if let requestID = self.requestID { text += " (request \(requestID))" }
        return text
    }
}
