//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What a client asks the Jobs service to add: `NewJobV1` of pip-services.
public struct NewJob: Sendable, Hashable {
    /// The kind of work; workers claim jobs by type.
    public var type: String
    /// What the work is about (`ref_id`); `add_uniq_job` adds at most one job per type and
    /// reference.
    public var refId: String
    /// How long the job may wait to be run, in milliseconds; 0 or less means forever.
    ///
    /// The service sets the job's `execute_until` to the time it was added plus this, and its
    /// cleanup deletes the job once that time has passed.
    public var ttl: Int
    /// Free-form parameters for the worker.
    public var params: JSONValue?

    /// Creates a request to add a job.
    public init(type: String, refId: String, ttl: Int = 0, params: JSONValue? = nil) {
        self.type = type
        self.refId = refId
        self.ttl = ttl
        self.params = params
    }
}
