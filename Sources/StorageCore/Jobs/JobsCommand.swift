//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The commands of the Jobs service, each called as `POST /v1/jobs/<name>` with a JSON object
/// of named arguments.
public enum JobsCommand: String, Sendable, Hashable, CaseIterable {
    /// `new_job`: adds a job and returns it.
    case addJob = "add_job"
    /// `new_job`: returns the job of the same type and reference if there is one, else adds it.
    case addUniqueJob = "add_uniq_job"
    /// `filter`, `paging`: returns a page of jobs.
    case getJobs = "get_jobs"
    /// `job_id`: returns a job, or nothing.
    case getJobById = "get_job_by_id"
    /// `job_id`, `timeout`: claims that job if it is free; returns it, or nothing.
    case startJobById = "start_job_by_id"
    /// `type`, `timeout`: claims the first free job of that type; returns it, or nothing.
    case startJobByType = "start_job_by_type"
    /// `job_id`, `timeout`, optional `lock_token`: moves the claim's end to now plus the timeout.
    case extendJob = "extend_job"
    /// `job_id`, optional `lock_token`: ends the claim so the job can be claimed again.
    case abortJob = "abort_job"
    /// `job_id`, optional `lock_token`: ends the claim and marks the job completed.
    case completeJob = "complete_job"
    /// `job_id`: deletes a job and returns it, or nothing.
    case deleteJobById = "delete_job_by_id"
    /// No arguments: deletes every job.
    case deleteJobs = "delete_jobs"
}
