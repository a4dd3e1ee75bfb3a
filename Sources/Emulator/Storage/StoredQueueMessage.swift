//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A message as the queue store holds it; times are milliseconds since 1970.
package struct StoredQueueMessage: Sendable, Hashable {
    /// The message id, a lowercase GUID.
    package var messageID: String
    /// When the message was put.
    package var insertionTime: Int64
    /// When the message expires; ``QueueStore/neverExpires`` for `messagettl=-1`.
    package var expirationTime: Int64
    /// When the message becomes visible.
    package var nextVisibleTime: Int64
    /// How often Get Messages returned it.
    package var dequeueCount: Int
    /// The receipt that currently allows deleting or updating it.
    package var popReceipt: String
    /// The message text.
    package var text: String
}
