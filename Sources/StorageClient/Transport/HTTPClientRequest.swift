//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// An HTTP request for an ``HTTPTransport`` to send.
public struct HTTPClientRequest: Sendable {
    /// The method, such as `GET` or `MERGE`.
    public var method: String
    /// The absolute URL, already percent-encoded exactly as it must go on the wire (the
    /// encoded path is signed, so the transport never re-encodes it).
    public var url: String
    /// The headers to send. Only these are sent: the transport adds no `Accept`,
    /// `Content-Type` or `Expect` of its own, since some of them are signed.
    public var headers: HTTPHeaders
    /// The body; empty for none.
    public var body: [UInt8]
    /// The limit on the whole exchange, overriding the transport's default when set.
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = [:], body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
