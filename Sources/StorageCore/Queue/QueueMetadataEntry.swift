//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One metadata name and value; a list of these keeps order and the case of names.
public struct QueueMetadataEntry: Sendable, Hashable {
    /// The name without the `x-ms-meta-` prefix, case preserved.
    public var name: String
    /// The value.
    public var value: String

    /// Creates an entry.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
