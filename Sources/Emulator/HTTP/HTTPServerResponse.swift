//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// An HTTP response for the emulator's server to send.
///
/// The server computes `Content-Length` from ``body`` and ignores a `Content-Length` header
/// here, so the two can never disagree. The one exception is a response that carries no body
/// on the wire — to a `HEAD` request, or with status 304 — where a `Content-Length` header
/// given here is announced as the size of the body the client would otherwise have received.
public struct HTTPServerResponse: Sendable, Equatable {
    /// The status code, such as 200 or 404.
    public var status: Int
    /// The header fields to send, in order.
    ///
    /// Fields with an empty value are not sent, because libmicrohttpd 0.9.75 refuses them.
    public var headers: HTTPHeaders
    /// The body; not sent for `HEAD` requests or for statuses that forbid one.
    public var body: [UInt8]
    /// Whether to close the connection instead of sending this response, as a server that
    /// crashed after doing the work would; fault injection uses it to lose answers on purpose.
    package var closesWithoutAnswer = false

    /// Creates a response from bytes.
    public init(status: Int = 200, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Creates a response whose body is text encoded as UTF-8.
    ///
    /// Adds `Content-Type: text/plain; charset=utf-8` unless `headers` already has a content
    /// type, which is what simple error answers need.
    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), text: String) {
        self.status = status
        self.headers = headers
        if !self.headers.contains("Content-Type") {
            self.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        }
        self.body = Array(text.utf8)
    }
}
