//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One `<Queue>` of a List Queues answer.
public struct QueueListItem: Sendable, Hashable {
    /// The queue name.
    public var name: String
    /// The queue's metadata, names as stored; `nil` unless listed with `include=metadata`.
    public var metadata: [QueueMetadataEntry]?

    /// Creates an entry.
    public init(name: String, metadata: [QueueMetadataEntry]? = nil) {
        self.name = name
        self.metadata = metadata
    }
}
