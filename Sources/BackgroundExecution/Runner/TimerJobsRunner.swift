//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageClient
public import StorageCore
import Synchronization

/// The timer-plus-jobs strategy: every `interval`, claim the next job of one type from a jobs
/// service; whoever claims it runs the work while extending the job's lock, then completes the
/// job (or aborts it on failure, so it can be retried); a tick with nothing to claim is skipped.
///
/// **Why a claim, not the article's flow.** The "Background execution" article checks "is a job
/// of this type executing?", then adds a job, then starts it by id. Two instances can both see
/// "not executing" between the check and the add, so both add and both start: the check-then-act
/// is a race. Here producers only add jobs (``JobProducer``, optionally unique by `ref_id`, which
/// the service makes atomic) and consumers only claim with
/// ``StorageClient/JobQueueing/startJob(type:timeout:correlationId:)``, a single atomic step on
/// the service: one caller wins each job, the others get `nil`. Each claim carries a fresh lock
/// token, and extend, complete and abort present it, so a worker whose lock lapsed and whose job
/// was claimed again cannot complete or extend someone else's run.
///
/// Each runner claims at most one job per tick and skips ticks while its job runs; run several
/// runners (or a shorter interval) to drain a backlog faster.
///
/// **Guarantee.** A job is completed at most once; it is run at least once while claims succeed
/// and its retries last. A worker that stalls past its lock can still be running when a second
/// worker claims the job, so the work itself should be idempotent or fenced by the lock token.
///
/// ```swift
/// let runner = TimerJobsRunner(jobs: JobsClient(), type: "AnalysisOfNewFiles",
///                              interval: .seconds(1), timeout: .seconds(60)) { job in
///     try await analyse(job.params)
/// }
/// let task = Task { await runner.run() }
/// // … later
/// runner.stop()
/// await task.value
/// ```
public final class TimerJobsRunner: Sendable {
    /// Counts of what the runner did, for logs and tests.
    public struct Statistics: Sendable, Hashable {
        /// Ticks of the timer.
        public var ticks = 0
        /// Jobs claimed.
        public var claimed = 0
        /// Jobs whose work succeeded and which were completed.
        public var completed = 0
        /// Jobs whose work failed and which were aborted, to be claimed again.
        public var aborted = 0
        /// Successful extensions of a job's lock.
        public var lockExtensions = 0
        /// Jobs whose lock was lost while the work ran (an extension was refused, or none
        /// succeeded before it lapsed): the work was cancelled and the job left to be claimed
        /// again; another runner may process it.
        public var lostLocks = 0
        /// Ticks skipped because no job of the type could be claimed.
        public var skippedNothingToClaim = 0
        /// Ticks skipped because this runner's previous job was still running.
        public var skippedBusy = 0
        /// Errors reported to `onError`: failed work, failed calls to the service, lost locks.
        public var failures = 0
    }

    private struct State {
        var statistics = Statistics()
    }

    /// The jobs service the runner claims from.
    public let jobs: any JobQueueing
    /// The job type this runner works on.
    public let type: String
    /// How often to try to claim a job.
    public let interval: Duration
    /// The lock a claim takes; extended every third of it while the work runs.
    public let timeout: Duration
    /// Sent with every call to the service.
    public let correlationId: String?
    private let work: @Sendable (Job) async throws -> Void
    private let onError: @Sendable (any Error) -> Void
    private let state = Mutex(State())
    private let loop: TickLoop

    /// Creates a runner; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - jobs: The jobs service, such as a ``StorageClient/JobsClient``.
    ///   - type: The job type to claim.
    ///   - interval: How often to try to claim.
    ///   - timeout: The lock each claim takes, extended every third of it while the work runs.
    ///   - correlationId: Sent with every call, for the service's logs.
    ///   - onError: Told about each failure; the runner carries on.
    ///   - work: What to do with a claimed job; cancelled if the job's lock is lost.
    public init(
        jobs: any JobQueueing, type: String, interval: Duration, timeout: Duration, correlationId: String? = nil,
        onError: @escaping @Sendable (any Error) -> Void = { _ in },
        work: @escaping @Sendable (Job) async throws -> Void
    ) {
        self.jobs = jobs
        self.type = type
        self.interval = interval
        self.loop = TickLoop(interval: interval)
        self.timeout = timeout
        self.correlationId = correlationId
        self.work = work
        self.onError = onError
    }

    /// What the runner has done so far.
    public var statistics: Statistics {
        var statistics = self.state.withLock { $0.statistics }
        let counts = self.loop.counts
        statistics.ticks = counts.ticks
        statistics.skippedBusy = counts.skippedBusy
        return statistics
    }

    /// Ticks until ``stop()`` is called or the task is cancelled, then waits for the job in
    /// progress to finish (and be completed or aborted) before returning.
    public func run() async {
        await self.loop.run { await self.tick() }
    }

    /// Stops ticking; ``run()`` returns once the job in progress has finished. Idempotent.
    public func stop() {
        self.loop.stop()
    }

    private func tick() async {
        let job: Job
        do {
            guard
                let claimed = try await self.jobs.startJob(
                    type: self.type, timeout: self.timeout, correlationId: self.correlationId)
            else {
                self.state.withLock { $0.statistics.skippedNothingToClaim += 1 }
                return
            }
            job = claimed
        } catch {
            self.report(error)
            return
        }
        self.state.withLock { $0.statistics.claimed += 1 }
        await self.process(job)
    }

    /// Runs the work under the job's lock, then completes or aborts the job.
    ///
    /// The token is passed as the claim gave it: a service that issues none (the original
    /// pip-services Jobs) gets none back and checks nothing.
    private func process(_ job: Job) async {
        let outcome = await self.runExtending(job)
        switch outcome {
        case .succeeded:
            await self.settle(job, completing: true)
        case .failed(let failure):
            self.report(failure)
            await self.settle(job, completing: false)
        case .lost(let reason):
            self.state.withLock { $0.statistics.lostLocks += 1 }
            self.report(reason)
        }
    }

    /// Completes or aborts the job with its token; a refusal (another claim holds it now) or a
    /// missing job counts as a lost lock.
    ///
    /// An attempt that may have been applied without the answer arriving (no answer, or 500) is
    /// sent again with the same token, up to three times. A token refused after such an attempt
    /// most likely means the first attempt did land, and is counted as settled: the work is done
    /// either way, and a job that was claimed again meanwhile is another claim's to finish.
    private func settle(_ job: Job, completing: Bool) async {
        var ambiguous = false
        var pause = Duration.milliseconds(200)
        for attempt in 1...3 {
            do {
                let settled =
                    completing
                    ? try await self.jobs.completeJob(
                        id: job.id, lockToken: job.lockToken, correlationId: self.correlationId)
                    : try await self.jobs.abortJob(
                        id: job.id, lockToken: job.lockToken, correlationId: self.correlationId)
                guard settled != nil || ambiguous else {
                    self.state.withLock { $0.statistics.lostLocks += 1 }
                    self.report(JobsError.lockLapsed(jobId: job.id, "was deleted while it ran", self.correlationId))
                    return
                }
                self.countSettled(completing: completing)
                return
            } catch let error as JobsError where error.code == JobsError.lockTokenMismatchCode {
                if ambiguous {
                    self.countSettled(completing: completing)
                    return
                }
                self.state.withLock { $0.statistics.lostLocks += 1 }
                self.report(error)
                return
            } catch {
                self.report(error)
                guard StorageRetryPolicy.mayHaveBeenApplied(error), attempt < 3 else { return }
                ambiguous = true
                try? await Task.sleep(for: pause)
                pause *= 2
            }
        }
    }

    private func countSettled(completing: Bool) {
        self.state.withLock { state in
            if completing { state.statistics.completed += 1 } else { state.statistics.aborted += 1 }
        }
    }

    /// The code of the ``StorageCore/JobsError`` reported to `onError` when the runner gives up
    /// a claim on its own: no extension was answered before the lock lapsed, or the job was
    /// deleted while it ran. (A claim another worker took over is the service's
    /// `LOCK_TOKEN_MISMATCH`.)
    public static let lockLapsedCode = "LOCK_LAPSED"

    private enum Outcome: Sendable {
        case succeeded
        case failed(any Error)
        case lost(any Error)
    }

    /// Races the work against the extension loop: the first to finish decides.
    private func runExtending(_ job: Job) async -> Outcome {
        await withTaskGroup(of: Outcome?.self) { group in
            group.addTask {
                do {
                    try await self.work(job)
                    return .succeeded
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                await self.keepExtending(job)
            }
            defer { group.cancelAll() }
            while let outcome = await group.next() {
                if let outcome { return outcome }
            }
            return .failed(CancellationError())
        }
    }

    /// Extends the job's lock every third of ``timeout``; returns `.lost` once the service
    /// refuses an extension or the lock lapses without a successful one, and `nil` when
    /// cancelled (the work finished).
    private func keepExtending(_ job: Job) async -> Outcome? {
        let beat = self.timeout / 3
        var validUntil = ContinuousClock.now + self.timeout
        while !Task.isCancelled {
            do {
                try await Task.sleep(until: min(ContinuousClock.now + beat, validUntil), clock: .continuous)
            } catch {
                return nil
            }
            if ContinuousClock.now >= validUntil {
                return .lost(
                    JobsError.lockLapsed(
                        jobId: job.id, "lapsed without a successful extension", self.correlationId))
            }
            let sentAt = ContinuousClock.now
            do {
                _ = try await self.jobs.extendJob(
                    id: job.id, lockToken: job.lockToken, timeout: self.timeout, correlationId: self.correlationId)
                validUntil = sentAt + self.timeout
                self.state.withLock { $0.statistics.lockExtensions += 1 }
            } catch is CancellationError {
                return nil
            } catch let error as JobsError where error.status < 500 {
                return .lost(error)
            } catch {
                // No answer, or the service failed (5xx, extension not applied or not known to be):
                // try again at the next beat while the lock lasts.
                continue
            }
        }
        return nil
    }

    private func report(_ error: any Error) {
        self.state.withLock { $0.statistics.failures += 1 }
        self.onError(error)
    }
}
