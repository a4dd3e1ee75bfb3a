//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// A background job as the Jobs service stores it: `JobV1` of pip-services, plus the token of
/// the current claim.
///
/// A job is created by `add_job` or `add_uniq_job`, claimed by `start_job_by_id` or
/// `start_job_by_type` (which set started, lockedUntil, a new lockToken and add one
/// to retries), and finished by `complete_job` or handed back by `abort_job`. Every date is
/// the server's clock, kept to the millisecond.
public struct Job: Sendable, Hashable {
    /// The job's identifier: 32 lowercase hexadecimal digits, assigned by the service.
    public var id: String
    /// The kind of work, such as `AnalysisOfNewFiles`; workers claim jobs by type.
    public var type: String
    /// What the work is about, such as a file or customer identifier (`ref_id`).
    public var refId: String
    /// Free-form parameters for the worker; `nil` when none were given.
    public var params: JSONValue?
    /// When the job was added.
    public var created: Date
    /// When the current claim began; `nil` when the job is not claimed.
    public var started: Date?
    /// When the current claim lapses (`locked_until`); `nil` when the job is not claimed.
    public var lockedUntil: Date?
    /// When the job expires unrun (`execute_until`): the time it was added plus its TTL; `nil`
    /// for a job without a TTL.
    public var executeUntil: Date?
    /// When the job was completed; `nil` until then.
    public var completed: Date?
    /// How many times the job has been claimed.
    public var retries: Int
    /// The token of the current claim (`lock_token`), a Baton addition: passing it back to
    /// `extend_job`, `abort_job` or `complete_job` makes them fail with a conflict when another
    /// worker has claimed the job since. `nil` when the job is not claimed, and from services
    /// that do not issue tokens.
    public var lockToken: String?

    /// Creates a job from all its fields.
    public init(
        id: String, type: String, refId: String, params: JSONValue? = nil, created: Date, started: Date? = nil,
        lockedUntil: Date? = nil, executeUntil: Date? = nil, completed: Date? = nil, retries: Int = 0,
        lockToken: String? = nil
    ) {
        self.id = id
        self.type = type
        self.refId = refId
        self.params = params
        self.created = created
        self.started = started
        self.lockedUntil = lockedUntil
        self.executeUntil = executeUntil
        self.completed = completed
        self.retries = retries
        self.lockToken = lockToken
    }
}
