//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What Get Queue Metadata answers.
public struct QueueProperties: Sendable, Hashable {
    /// The queue's metadata, names as stored (they compare ignoring case).
    public var metadata: [String: String]
    /// The number of messages, invisible ones included. Approximate on Azure: never rely on
    /// an exact value.
    public var approximateMessageCount: Int

    /// Creates properties.
    public init(metadata: [String: String], approximateMessageCount: Int) {
        self.metadata = metadata
        self.approximateMessageCount = approximateMessageCount
    }
}
