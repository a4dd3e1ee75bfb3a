//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// Which jobs `get_jobs` returns: every key of the pip-services Jobs filter; keys left `nil`
/// match everything, the others must all match.
///
/// Ranges include their lower bound (`…_from`) and exclude their upper bound (`…_to`), as the
/// original MongoDB persistence did (`$gte` and `$lt`); exact dates match to the millisecond.
public struct JobsFilter: Sendable, Hashable {
    /// `id`: the job with this identifier.
    public var id: String?
    /// `type`: jobs of this type.
    public var type: String?
    /// `ref_id`: jobs about this reference.
    public var refId: String?
    /// `created`: jobs added at exactly this time.
    public var created: Date?
    /// `created_from`: jobs added at or after this time.
    public var createdFrom: Date?
    /// `created_to`: jobs added before this time.
    public var createdTo: Date?
    /// `started`: jobs claimed at exactly this time.
    public var started: Date?
    /// `started_from`: jobs claimed at or after this time.
    public var startedFrom: Date?
    /// `started_to`: jobs claimed before this time.
    public var startedTo: Date?
    /// `locked_until`: jobs whose claim lapses at exactly this time.
    public var lockedUntil: Date?
    /// `locked_from`: jobs whose claim lapses at or after this time.
    public var lockedFrom: Date?
    /// `locked_to`: jobs whose claim lapses before this time.
    public var lockedTo: Date?
    /// `execute_until`: jobs that expire at exactly this time.
    public var executeUntil: Date?
    /// `execute_from`: jobs that expire at or after this time.
    public var executeFrom: Date?
    /// `execute_to`: jobs that expire before this time.
    public var executeTo: Date?
    /// `completed`: jobs completed at exactly this time.
    public var completed: Date?
    /// `completed_from`: jobs completed at or after this time.
    public var completedFrom: Date?
    /// `completed_to`: jobs completed before this time.
    public var completedTo: Date?
    /// `retries`: jobs claimed exactly this many times.
    public var retries: Int?
    /// `min_retries`: jobs claimed **more** than this many times (the original's meaning).
    public var minRetries: Int?

    /// A filter that matches every job; set the keys that should narrow it.
    public init() {}

    /// Whether no key is set, so the filter matches every job.
    public var isEmpty: Bool {
        self == JobsFilter()
    }
}
