//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
public import StorageCore

/// What a successful write reports: the new version of the entity and when the service wrote it.
public struct TableWriteResult: Sendable, Hashable {
    /// The entity's new ETag, exactly as the service sent it: pass it to
    /// ``ETagCondition/etag(_:)`` to change this version and no other. Empty for a
    /// ``TableTransactionAction/delete(partitionKey:rowKey:ifMatch:)`` in a transaction, which
    /// leaves no entity behind.
    public var etag: String
    /// The entity's new `Timestamp`, read from the ETag; `nil` when the ETag holds none.
    public var timestamp: PreciseTimestamp?
    /// The response's `Date` header: the service's clock when it answered, to the second.
    public var serverDate: Date?
    /// The entity as stored, when the service echoed it (an insert with `returnContent`).
    public var entity: TableEntity?

    /// Creates a result.
    public init(etag: String, timestamp: PreciseTimestamp? = nil, serverDate: Date? = nil, entity: TableEntity? = nil) {
        self.etag = etag
        self.timestamp = timestamp
        self.serverDate = serverDate
        self.entity = entity
    }
}
