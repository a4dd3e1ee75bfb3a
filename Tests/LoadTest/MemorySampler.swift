//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// Samples a process's resident memory on its own thread (reading `/proc` is a blocking call,
/// kept off the cooperative pool), keeping the peak and one sample per second.
final class MemorySampler: Sendable {
    private struct State: Sendable {
        var peak = 0
        var perSecond: [Int] = []
        var stopped = false
    }

    private let state = Mutex(State())
    private let finished = DispatchSemaphore(value: 0)

    /// Starts sampling `read()` every 100 ms.
    init(read: @escaping @Sendable () -> Int) {
        let thread = Thread { [self] in
            var tick = 0
            while !self.state.withLock({ $0.stopped }) {
                let kilobytes = read()
                self.state.withLock { state in
                    state.peak = max(state.peak, kilobytes)
                    if tick % 10 == 0 {
                        state.perSecond.append(kilobytes)
                    }
                }
                tick += 1
                Thread.sleep(forTimeInterval: 0.1)
            }
            self.finished.signal()
        }
        thread.name = "rss-sampler"
        thread.start()
    }

    /// Stops sampling and waits for the thread.
    ///
    /// - Returns: The peak and the per-second samples, in KiB.
    func stop() -> (peak: Int, perSecond: [Int]) {
        self.state.withLock { $0.stopped = true }
        self.finished.wait()
        return self.state.withLock { ($0.peak, $0.perSecond) }
    }
}
