//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Foundation
import Synchronization

/// Runs the jobs store's cleanup (`JobsStore.clean()`) every interval on a thread of its own,
/// as the original controller's `FixedRateTimer` does.
///
/// The cleanup blocks on SQLite, so it runs on a dedicated thread rather than Swift's
/// cooperative pool. stop() wakes the thread at once and waits for it to end.
final class JobsCleaner: Sendable {
    /// Signalled by stop() to wake the thread.
    private let stopSignal = DispatchSemaphore(value: 0)
    /// Signalled by the thread as it ends.
    private let finished = DispatchSemaphore(value: 0)
    /// Whether stop() has been called, so that it runs once.
    private let isStopped = Mutex(false)

    /// Starts cleaning `store` every `interval`, the first time one interval from now.
    ///
    /// - Precondition: `interval` is positive.
    init(store: JobsStore, interval: Duration, log: EmulatorLog) {
        precondition(interval > .zero, "the jobs clean interval must be positive")
        let (seconds, attoseconds) = interval.components
        // Capped at a day, which keeps the nanoseconds far from overflowing; longer intervals
        // just clean a little more often than asked.
        let cappedSeconds = Int(min(seconds, 86_400))
        let nanoseconds = cappedSeconds * 1_000_000_000 + (seconds < 86_400 ? Int(attoseconds / 1_000_000_000) : 0)
        let stopSignal = self.stopSignal
        let finished = self.finished
        let thread = Thread {
            while stopSignal.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
                do {
                    let deleted = try store.clean()
                    if deleted > 0 {
                        log.log(.info, "jobs cleanup deleted \(deleted) jobs")
                    }
                } catch {
                    log.log(.warning, "jobs cleanup failed: \(error)")
                }
            }
            finished.signal()
        }
        thread.name = "jobs-cleaner"
        thread.start()
    }

    /// Stops the thread, waiting for a cleanup in progress to finish; calling it again does
    /// nothing.
    func stop() {
        let wasStopped = self.isStopped.withLock { isStopped in
            defer { isStopped = true }
            return isStopped
        }
        guard !wasStopped else {
            return
        }
        self.stopSignal.signal()
        self.finished.wait()
    }
}
