//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The parts of an HTTP request that Azure's shared-key schemes sign.
///
/// A client builds one from the request it is about to send; the emulator builds one from the
/// request it received. Both then run the same ``SharedKeySigner``, so they cannot disagree.
public struct SignableRequest: Sendable, Equatable {
    /// The HTTP method, upper-case.
    public var method: String
    /// The path exactly as sent on the wire, still percent-encoded, without the query.
    public var encodedPath: String
    /// The decoded query parameters.
    public var query: QueryParameters
    /// The request headers.
    public var headers: HTTPHeaders

    /// Creates a signable request from its parts.
    public init(method: String, encodedPath: String, query: QueryParameters, headers: HTTPHeaders) {
        self.method = method
        self.encodedPath = encodedPath.isEmpty ? "/" : encodedPath
        self.query = query
        self.headers = headers
    }

    /// Creates a signable request from a raw request target (`/path?query`), as a server sees it.
    ///
    /// - Throws: ``QueryParameters/MalformedQueryError`` when the query's encoding is broken.
    public init(method: String, target: String, headers: HTTPHeaders) throws(QueryParameters.MalformedQueryError) {
        let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(pieces[0])
        let query = try QueryParameters(encodedQuery: pieces.count > 1 ? String(pieces[1]) : nil)
        self.init(method: method, encodedPath: path, query: query, headers: headers)
    }
}
