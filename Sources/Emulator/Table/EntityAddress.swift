//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Which entity an operation addresses: its table and keys, as given in the URL.
struct EntityAddress: Sendable, Hashable {
    var table: String
    var partitionKey: String
    var rowKey: String
}
