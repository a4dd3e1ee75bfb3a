//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// A complete HTTP request as the emulator's server received it.
///
/// The target, path and query are kept exactly as the client sent them, still percent-encoded:
/// the storage signing schemes sign the encoded path, and decoding first would make `%2F` and
/// `/` indistinguishable.
public struct HTTPServerRequest: Sendable, Equatable {
    /// The request method as sent, such as `GET` or `PUT`.
    public var method: String
    /// The request target exactly as sent: path plus `?query` if there is one, not decoded.
    public var target: String
    /// The part of ``target`` before the first `?`, not decoded.
    public var path: String
    /// The part of ``target`` after the first `?`, not decoded; `nil` if there was no `?`.
    ///
    /// An empty string means the target ended with a bare `?`.
    public var query: String?
    /// The header fields in the order received; repeated fields keep every value.
    public var headers: HTTPHeaders
    /// The body; empty when there was none.
    public var body: [UInt8]
    /// The client's address as `host:port` (IPv6 hosts in brackets), when the server knows it.
    public var remoteAddress: String?

    /// Creates a request, splitting `target` into ``path`` and ``query`` at the first `?`.
    ///
    /// Handlers and their tests can build requests directly without a running server.
    public init(
        method: String,
        target: String,
        headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = [],
        remoteAddress: String? = nil
    ) {
        self.method = method
        self.target = target
        if let questionMark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.path = String(target[..<questionMark])
            self.query = String(target[target.utf8.index(after: questionMark)...])
        } else {
            self.path = target
            self.query = nil
        }
        self.headers = headers
        self.body = body
        self.remoteAddress = remoteAddress
    }
}
