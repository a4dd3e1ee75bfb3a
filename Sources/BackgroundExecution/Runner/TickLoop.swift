//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The rhythm the timer runners share: a tick every `interval`, a tick skipped while the
/// previous one's work still runs, the rhythm resumed from now after a pause (missed ticks are
/// not made up), and a graceful stop that waits for work in progress.
final class TickLoop: Sendable {
    /// What the loop itself counted.
    struct Counts: Sendable, Hashable {
        var ticks = 0
        var skippedBusy = 0
    }

    private struct State {
        var stopped = false
        var busy = false
        var sleeper: Task<Void, Never>?
        var counts = Counts()
    }

    let interval: Duration
    private let state = Mutex(State())

    init(interval: Duration) {
        self.interval = interval
    }

    var counts: Counts {
        self.state.withLock { $0.counts }
    }

    /// Calls `tick` on every tick that finds no earlier tick still running, until ``stop()`` or
    /// cancellation; then waits for the tick in progress before returning.
    func run(_ tick: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            var nextTick = ContinuousClock.now
            while !self.state.withLock({ $0.stopped }) && !Task.isCancelled {
                let startWork = self.state.withLock { state -> Bool in
                    state.counts.ticks += 1
                    guard !state.busy else {
                        state.counts.skippedBusy += 1
                        return false
                    }
                    state.busy = true
                    return true
                }
                if startWork {
                    group.addTask {
                        await tick()
                        self.state.withLock { $0.busy = false }
                    }
                }
                nextTick += self.interval
                if nextTick < ContinuousClock.now {
                    nextTick = ContinuousClock.now + self.interval
                }
                await self.sleep(until: nextTick)
            }
            await group.waitForAll()
        }
    }

    /// Stops ticking; ``run(_:)`` returns once the tick in progress has finished. Idempotent.
    func stop() {
        let sleeper = self.state.withLock { state -> Task<Void, Never>? in
            state.stopped = true
            return state.sleeper
        }
        sleeper?.cancel()
    }

    /// Sleeps until `deadline`, or until ``stop()`` or cancellation cuts the sleep short.
    private func sleep(until deadline: ContinuousClock.Instant) async {
        let sleeper = Task { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
        let proceed = self.state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.sleeper = sleeper
            return true
        }
        if !proceed { sleeper.cancel() }
        await withTaskCancellationHandler {
            await sleeper.value
        } onCancel: {
            sleeper.cancel()
        }
    }
}
