//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageClient
public import StorageCore

/// The producing half of the timer-plus-jobs strategy: adds jobs of one type for
/// ``TimerJobsRunner``s to claim.
///
/// With `unique: true` the job is added through `add_uniq_job`, which returns the existing job
/// of the same type and `ref_id` instead of adding a second one — atomically on the emulator and
/// in ``StorageClient/MemoryJobsClient``, so any number of instances may notice the same piece of
/// work and add it at once. This replaces the article's racy "is a job executing? → add" check.
///
/// ```swift
/// let producer = JobProducer(jobs: JobsClient(), type: "AnalysisOfNewFiles", ttl: .seconds(3600))
/// _ = try await producer.add(referenceId: "2024-06-01", unique: true)
/// ```
public struct JobProducer: Sendable {
    /// The jobs service jobs are added to.
    public let jobs: any JobQueueing
    /// The type of every job added.
    public let type: String
    /// How long an added job may wait to be run before cleanup deletes it; zero for forever.
    public let ttl: Duration
    /// Sent with every call to the service.
    public let correlationId: String?

    /// Creates a producer; nothing is sent until ``add(referenceId:params:unique:)``.
    public init(jobs: any JobQueueing, type: String, ttl: Duration = .zero, correlationId: String? = nil) {
        self.jobs = jobs
        self.type = type
        self.ttl = ttl
        self.correlationId = correlationId
    }

    /// Adds a job about `referenceId` (its `ref_id`).
    ///
    /// - Parameters:
    ///   - referenceId: What the work is about.
    ///   - params: Free-form parameters for the worker.
    ///   - unique: Whether to return an existing job of this type and reference instead of
    ///     adding another; completed jobs count until the service cleans them up.
    /// - Returns: The job added, or the existing one.
    public func add(referenceId: String, params: JSONValue? = nil, unique: Bool = false) async throws -> Job {
        let newJob = NewJob(type: self.type, refId: referenceId, ttl: self.ttl.jobsMilliseconds, params: params)
        return unique
            ? try await self.jobs.addUniqueJob(newJob, correlationId: self.correlationId)
            : try await self.jobs.addJob(newJob, correlationId: self.correlationId)
    }
}
