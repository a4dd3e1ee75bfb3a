//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The timer-plus-lock strategy: every `interval`, try the lock for a key; whoever gets it runs
/// the work, with the lease renewed while the work lasts, then releases it; the others skip
/// the tick.
///
/// Unlike the original recipe, work longer than the interval is safe (the lease is renewed, not
/// left to run out), a failure still releases the lock, and a tick that comes while this
/// process's previous work is still running is skipped rather than started twice.
///
/// ```swift
/// let runner = TimerLockRunner(lock: lock, key: "AnalysisOfNewFiles", interval: .seconds(1), ttl: .seconds(10)) { lease in
///     try await analyseNewFiles(fence: lease.fencingToken)
/// }
/// let task = Task { await runner.run() }
/// // … later
/// runner.stop()
/// await task.value
/// ```
public final class TimerLockRunner: Sendable {
    /// Counts of what the runner did, for logs and tests.
    public struct Statistics: Sendable, Hashable {
        /// Ticks of the timer.
        public var ticks = 0
        /// Ticks whose work ran under the lock.
        public var runs = 0
        /// Ticks skipped because another holder had the lock.
        public var skippedHeldElsewhere = 0
        /// Ticks skipped because this runner's previous work was still running.
        public var skippedBusy = 0
        /// Runs or attempts that ended in an error, including lost leases.
        public var failures = 0
    }

    private struct State {
        var statistics = Statistics()
    }

    /// The lock the runner takes.
    public let lock: any Lock
    /// The lock key: every instance running the same work must use the same key.
    public let key: String
    /// How often to try.
    public let interval: Duration
    /// The lease duration; the lease is renewed every third of it while the work runs.
    public let ttl: Duration
    private let work: @Sendable (LockLease) async throws -> Void
    private let onError: @Sendable (any Error) -> Void
    private let state = Mutex(State())
    private let loop: TickLoop

    /// Creates a runner; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - work: What to do while holding the lock; cancelled if the lease is lost.
    ///   - onError: Told about each failed attempt or run; the runner carries on.
    public init(
        lock: any Lock, key: String, interval: Duration, ttl: Duration,
        onError: @escaping @Sendable (any Error) -> Void = { _ in },
        work: @escaping @Sendable (LockLease) async throws -> Void
    ) {
        self.lock = lock
        self.key = key
        self.interval = interval
        self.loop = TickLoop(interval: interval)
        self.ttl = ttl
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

    /// Ticks until ``stop()`` is called or the task is cancelled, then waits for work in
    /// progress to finish (and release its lock) before returning.
    public func run() async {
        await self.loop.run { await self.tick() }
    }

    /// Stops ticking; ``run()`` returns once work in progress has finished. Idempotent.
    public func stop() {
        self.loop.stop()
    }

    private func tick() async {
        do {
            guard let lease = try await self.lock.tryAcquire(key: self.key, ttl: self.ttl) else {
                self.state.withLock { $0.statistics.skippedHeldElsewhere += 1 }
                return
            }
            do {
                _ = try await lease.whileHolding(self.work)
                try? await lease.release()
                self.state.withLock { $0.statistics.runs += 1 }
            } catch {
                try? await lease.release()
                throw error
            }
        } catch {
            self.state.withLock { $0.statistics.failures += 1 }
            self.onError(error)
        }
    }
}
