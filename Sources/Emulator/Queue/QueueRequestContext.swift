//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// What the Queue service knows about a request once its envelope has been read.
struct QueueRequestContext: Sendable {
    /// The request as received.
    let request: HTTPServerRequest
    /// The id answered in `x-ms-request-id` and quoted in error messages.
    let requestID: String
    /// The account in the URL.
    let account: EmulatorAccount
    /// The decoded query.
    let query: QueryParameters
    /// The resource the path addresses.
    let resource: QueueResource
    /// `http://<Host>/<account>/`: the `ServiceEndpoint` of List Queues.
    let serviceEndpoint: String
}
