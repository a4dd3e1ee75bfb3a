//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// One unit of work a worker performed under its strategy's protection, as kept in
/// `analyserruns`.
public struct RunRecord: Sendable, Hashable {
    /// The strategy (the PartitionKey).
    public var strategy: AnalysisStrategy
    /// A unique id (the RowKey).
    public var id: String
    /// The worker that performed it.
    public var worker: String
    /// The lock's fencing token, for the lock strategy.
    public var fence: Int64?
    /// When the work began (after the lock, message or job was obtained).
    public var startedAt: PreciseTimestamp
    /// When the work ended.
    public var finishedAt: PreciseTimestamp
    /// Files analysed and recorded.
    public var files: Int
    /// Second analyses refused by the insert-only results table.
    public var duplicates: Int

    /// Creates a record.
    public init(
        strategy: AnalysisStrategy, id: String, worker: String, fence: Int64?, startedAt: PreciseTimestamp,
        finishedAt: PreciseTimestamp, files: Int, duplicates: Int
    ) {
        self.strategy = strategy
        self.id = id
        self.worker = worker
        self.fence = fence
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.files = files
        self.duplicates = duplicates
    }
}
