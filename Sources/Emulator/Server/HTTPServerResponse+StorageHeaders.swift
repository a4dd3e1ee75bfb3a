//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension HTTPServerResponse {
    /// Adds the headers every storage service answer carries, success or failure: the request
    /// id, the version (echoed), `Date`, the client's request id echoed byte for byte (the Python
    /// SDKs raise if it differs), `Cache-Control: no-cache` and `X-Content-Type-Options: nosniff`.
    mutating func addStorageHeaders(for request: HTTPServerRequest, requestID: String) {
        self.headers.replaceOrAdd(name: "x-ms-request-id", value: requestID)
        self.headers.replaceOrAdd(name: "x-ms-version", value: request.headers["x-ms-version"] ?? "2019-02-02")
        self.headers.replaceOrAdd(name: "Date", value: HTTPDate.string(from: Date()))
        if let clientRequestID = request.headers["x-ms-client-request-id"] {
            self.headers.replaceOrAdd(name: "x-ms-client-request-id", value: clientRequestID)
        }
        self.headers.replaceOrAdd(name: "Cache-Control", value: "no-cache")
        self.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
    }
}
