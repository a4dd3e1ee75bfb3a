//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension JobsError {
    /// The error ``TimerJobsRunner`` reports when it stops trusting its claim on a job: the
    /// lock lapsed with no extension answered in time, or the job disappeared. Code
    /// ``TimerJobsRunner/lockLapsedCode``, status 409 like the service's token conflicts.
    static func lockLapsed(jobId: String, _ what: String, _ correlationId: String?) -> JobsError {
        JobsError(
            type: "ConflictException", category: "Conflict", code: TimerJobsRunner.lockLapsedCode, status: 409,
            message: "The claim on job \(jobId) is lost: it \(what)", correlationId: correlationId)
    }
}
