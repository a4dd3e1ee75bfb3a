//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Synchronization

/// The Jobs service through ``JobsClient``: adding jobs, and the worker's cycle of claiming
/// the next job of a type and completing it.
struct JobsBenchmark {
    static let add = "add job"
    static let claimComplete = "claim + complete job"
    static let subject = "JobsClient → emulator"

    func run(_ context: BenchmarkContext) async throws {
        guard context.options.selectsAny(group: "jobs", of: [Self.add, Self.claimComplete]) else { return }
        let client = JobsClient(configuration: JobsClient.Configuration(baseURL: context.emulator.jobsBaseURL))
        for concurrency in [1, 16] {
            let type = "bench-c\(concurrency)"
            let added = CallCounter()
            try await context.row("jobs", Self.add, subject: Self.subject, concurrency: concurrency) { caller, call in
                _ = try await client.addJob(NewJob(type: type, refId: "file-\(caller)-\(call).png", ttl: 3_600_000))
                added.increment()
            }
            // Claims consume what adding left, plus enough for their window (added in parallel,
            // not measured).
            let needed = Int(Double(context.options.window.seconds + context.options.warmup.seconds) * 3_000)
            let missing = needed - added.value
            if missing > 0, context.options.selects(group: "jobs", operation: Self.claimComplete) {
                _ = try await Measurement.run(
                    concurrency: 16,
                    window: Measurement.Window(warmup: .zero, measured: .seconds(600), limit: missing)
                ) { caller, call in
                    _ = try await client.addJob(NewJob(type: type, refId: "extra-\(caller)-\(call)", ttl: 3_600_000))
                }
            }
            try await context.row(
                "jobs", Self.claimComplete, subject: Self.subject, concurrency: concurrency,
                window: Measurement.Window(
                    warmup: context.options.warmup, measured: context.options.window,
                    limit: max(missing, 0) + added.value)
            ) { _, _ in
                guard let job = try await client.startJob(type: type, timeout: .seconds(60)) else {
                    throw BenchmarkFailure("no job of type \(type) was left to claim")
                }
                _ = try await client.completeJob(id: job.id, lockToken: job.lockToken)
            }
        }
    }
}
