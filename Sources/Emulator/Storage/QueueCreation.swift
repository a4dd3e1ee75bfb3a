//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What Create Queue found.
package enum QueueCreation: Sendable, Hashable {
    /// The queue is new: 201.
    case created
    /// The queue existed with the same metadata: 204.
    case existedWithSameMetadata
    /// The queue existed with other metadata: 409 `QueueAlreadyExists`.
    case existedWithOtherMetadata
}
