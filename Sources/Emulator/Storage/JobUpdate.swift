//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

/// The outcome of a change to a claimed job — `extend_job`, `abort_job` or `complete_job`.
package enum JobUpdate: Sendable, Hashable {
    /// The job after the change.
    case updated(Job)
    /// No job has that identifier.
    case missing
    /// A lock token was given and is not the job's current one: another worker claimed the job
    /// since, or the claim ended. Nothing was changed.
    case staleLockToken
}
