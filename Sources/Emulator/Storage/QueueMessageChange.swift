//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What a message operation addressed by id and pop receipt found.
package enum QueueMessageChange: Sendable, Hashable {
    /// Done; for Update Message, the message as it now is.
    case changed(StoredQueueMessage)
    /// The queue does not exist.
    case queueNotFound
    /// No live message has this id and pop receipt: absent, expired, or the receipt is stale.
    case messageNotFound
}
