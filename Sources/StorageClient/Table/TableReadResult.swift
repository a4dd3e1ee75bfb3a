//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
public import StorageCore

/// One entity as read, with its version and the service's clock.
public struct TableReadResult: Sendable, Hashable {
    /// The entity, with ``StorageCore/TableEntity/timestamp`` set.
    public var entity: TableEntity
    /// The entity's ETag exactly as the service sent it: pass it to ``ETagCondition/etag(_:)``
    /// to change this version and no other.
    public var etag: String
    /// The response's `Date` header: the service's clock when it answered, to the second. A
    /// lease kept in a table can be judged against it rather than against the local clock.
    public var serverDate: Date?

    /// Creates a result.
    public init(entity: TableEntity, etag: String, serverDate: Date? = nil) {
        self.entity = entity
        self.etag = etag
        self.serverDate = serverDate
    }
}
