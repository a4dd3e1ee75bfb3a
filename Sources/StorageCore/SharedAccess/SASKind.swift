//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Which kind of shared access signature a request carries; each signs different fields and
/// grants a different scope.
public enum SASKind: String, Sendable, Hashable, CaseIterable {
    /// An account SAS (`ss` and `srt`): any services, resource levels and operations it lists.
    case account
    /// A table service SAS (`tn`): entity operations on one table, optionally a key range.
    case table
    /// A queue service SAS: metadata and message operations on one queue.
    case queue
}
