//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The root URL of one storage service, split the way requests are built from it.
///
/// Path-style endpoints keep their path (`http://127.0.0.1:10002/devstoreaccount1`, and the
/// production-style `https://acct.table.core.windows.net/table` too): every request path is
/// appended to it, and the signed path is the endpoint's path followed by the request's.
struct ServiceEndpoint: Sendable, Hashable {
    /// Scheme, authority and path, without a trailing `/`, query or fragment.
    let baseURL: String
    /// The endpoint's percent-encoded path without a trailing `/`; empty for a bare host.
    let basePath: String

    /// Reads an endpoint URL.
    ///
    /// - Returns: `nil` unless the URL is absolute http or https.
    init?(_ url: URL) {
        var text = url.absoluteString
        if let end = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = String(text[..<end])
        }
        while text.hasSuffix("/") { text.removeLast() }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else { return nil }
        self.baseURL = text
        self.basePath = components.percentEncodedPath
    }

    /// The path a request for `path` puts on the wire, as a shared key signs it.
    func encodedPath(_ path: String) -> String {
        self.basePath + path
    }

    /// The absolute URL of `path` with an already encoded query (none when empty).
    func url(path: String, encodedQuery: String) -> String {
        encodedQuery.isEmpty ? self.baseURL + path : self.baseURL + path + "?" + encodedQuery
    }
}
