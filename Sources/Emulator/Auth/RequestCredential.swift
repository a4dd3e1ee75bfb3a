//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// How a request proved who sent it, once its signature checked out.
enum RequestCredential: Sendable {
    /// A valid `SharedKey` or `SharedKeyLite` signature: full access to the account.
    case sharedKey
    /// A shared access signature in the query; what it allows is checked per operation, since
    /// that depends on the resource and the permission the operation needs.
    case sharedAccessSignature(QueryParameters)
}
