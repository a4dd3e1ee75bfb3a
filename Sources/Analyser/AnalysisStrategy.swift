//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The three ways a worker can make sure each file is analysed by one instance.
public enum AnalysisStrategy: String, Sendable, Hashable, CaseIterable {
    /// Timer + lock: every tick, whoever holds the lock analyses every file not yet recorded.
    case lock
    /// Queue listener: each upload sends a message naming the file; one listener handles it.
    case queue
    /// Timer + jobs: each upload adds a job naming the file; one worker claims it.
    case jobs
}
