//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// One write of an entity group transaction (see ``TableClient/submitTransaction(_:)``).
///
/// Every action of one transaction must address the same partition, and each entity at most once.
public enum TableTransactionAction: Sendable, Hashable {
    /// Insert an entity that must not exist yet.
    case insert(TableEntity)
    /// Update an existing entity whose version matches the condition.
    case update(TableEntity, mode: TableUpdateMode = .replace, ifMatch: ETagCondition)
    /// Insert the entity or update it whatever its version.
    case upsert(TableEntity, mode: TableUpdateMode = .replace)
    /// Delete an existing entity whose version matches the condition.
    case delete(partitionKey: String, rowKey: String, ifMatch: ETagCondition)

    /// The partition the action writes to.
    public var partitionKey: String {
        switch self {
        case .insert(let entity), .update(let entity, _, _), .upsert(let entity, _): entity.partitionKey
        case .delete(let partitionKey, _, _): partitionKey
        }
    }

    /// The row the action writes to.
    public var rowKey: String {
        switch self {
        case .insert(let entity), .update(let entity, _, _), .upsert(let entity, _): entity.rowKey
        case .delete(_, let rowKey, _): rowKey
        }
    }
}
