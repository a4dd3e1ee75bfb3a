//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What happened to an insert-only write of an analysis.
public enum RecordOutcome: Sendable, Hashable {
    /// The analysis was stored.
    case recorded
    /// The file already had an analysis under this strategy (409): nothing was overwritten.
    case duplicate
}
