//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension MemoryJobsClient {
    /// Whether `job` matches every key set in `filter`: exact dates to the millisecond, `…_from`
    /// inclusive, `…_to` exclusive, `min_retries` meaning more than.
    static func matches(_ filter: JobsFilter, _ job: Job) -> Bool {
        if let id = filter.id, job.id != id { return false }
        if let type = filter.type, job.type != type { return false }
        if let refId = filter.refId, job.refId != refId { return false }
        if let retries = filter.retries, job.retries != retries { return false }
        if let minRetries = filter.minRetries, job.retries <= minRetries { return false }
        let ranges: [(Date?, Date?, Date?, Date?)] = [
            (job.created, filter.created, filter.createdFrom, filter.createdTo),
            (job.started, filter.started, filter.startedFrom, filter.startedTo),
            (job.lockedUntil, filter.lockedUntil, filter.lockedFrom, filter.lockedTo),
            (job.executeUntil, filter.executeUntil, filter.executeFrom, filter.executeTo),
            (job.completed, filter.completed, filter.completedFrom, filter.completedTo),
        ]
        return ranges.allSatisfy { Self.matches($0.0, exactly: $0.1, from: $0.2, to: $0.3) }
    }

    private static func matches(_ value: Date?, exactly: Date?, from: Date?, to: Date?) -> Bool {
        guard exactly != nil || from != nil || to != nil else { return true }
        guard let value else { return false }
        let milliseconds = JobsDate.milliseconds(from: value)
        if let exactly, milliseconds != JobsDate.milliseconds(from: exactly) { return false }
        if let from, milliseconds < JobsDate.milliseconds(from: from) { return false }
        if let to, milliseconds >= JobsDate.milliseconds(from: to) { return false }
        return true
    }
}
