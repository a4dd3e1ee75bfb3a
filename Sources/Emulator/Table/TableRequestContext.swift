//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// What the Table service knows about a request once its envelope has been read.
struct TableRequestContext: Sendable {
    /// The request as received.
    let request: HTTPServerRequest
    /// The id answered in `x-ms-request-id` and quoted in error messages.
    let requestID: String
    /// The account in the URL.
    let account: EmulatorAccount
    /// The decoded query.
    let query: QueryParameters
    /// The method to dispatch: the request's, or the one `X-HTTP-Method` tunnels through POST.
    let method: String
    /// The resource the path addresses.
    let resource: TableResource
    /// `http://<Host>/<account>`: the base of `odata.metadata`, `odata.id` and `Location`.
    let baseURL: String

    /// The value of a header, looked up case-insensitively.
    func header(_ name: String) -> String? {
        self.request.headers[name]
    }
}
