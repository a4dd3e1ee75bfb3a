//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// A request to a storage service before the pipeline dates, identifies and signs it.
///
/// The path is relative to the service endpoint and already percent-encoded exactly as it must
/// go on the wire: the encoded path is what a shared key signs, so it is never re-encoded.
struct StorageRequest: Sendable {
    /// The method, such as `GET` or `PATCH`.
    var method: String
    /// The path after the endpoint's own path, percent-encoded, starting with `/`.
    var path: String
    /// The query parameters, decoded; the pipeline encodes them once.
    var query: QueryParameters
    /// Headers of this operation, such as `If-Match` or `Prefer`. A header named here replaces
    /// the pipeline's default of the same name.
    var headers: HTTPHeaders
    /// The body; empty for none.
    var body: [UInt8]

    /// Creates a request.
    init(
        method: String, path: String, query: QueryParameters = [:], headers: HTTPHeaders = [:], body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
