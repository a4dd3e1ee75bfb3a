//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import Synchronization
import Testing

@Suite("Timer + lock runner", .timeLimit(.minutes(2)))
struct TimerLockRunnerTests {
    @Test("three instances on one key: runs never overlap and fences only grow", arguments: LockBackend.allCases)
    func instancesTakeTurns(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let resource = FencedResource()
        let runners = try (0..<3).map { _ in
            TimerLockRunner(
                lock: try environment.makeLock(), key: "tick", interval: .milliseconds(40), ttl: .seconds(5)
            ) {
                lease in
                resource.enter(fence: lease.fencingToken)
                try await Task.sleep(for: .milliseconds(15))
                resource.leave(fence: lease.fencingToken)
            }
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        try await Task.sleep(for: .seconds(2))
        for runner in runners { runner.stop() }
        for task in tasks { await task.value }

        #expect(resource.violations.isEmpty, "\(resource.violations.prefix(5))")
        let runs = runners.map(\.statistics.runs).reduce(0, +)
        #expect(runs == resource.entries)
        #expect(runs >= 3, "only \(runs) runs in 2 s")
        #expect(runners.map(\.statistics.failures).reduce(0, +) == 0)
    }

    @Test("work longer than the interval is neither overlapped nor lost", arguments: LockBackend.allCases)
    func longWorkIsSafe(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let active = Mutex(0)
        let overlaps = Mutex(0)
        let runner = TimerLockRunner(
            lock: try environment.makeLock(), key: "slow", interval: .milliseconds(100), ttl: .milliseconds(1500)
        ) { _ in
            let concurrent = active.withLock { value -> Int in
                value += 1
                return value
            }
            if concurrent > 1 { overlaps.withLock { $0 += 1 } }
            try await Task.sleep(for: .milliseconds(2000))  // longer than both interval and TTL
            active.withLock { $0 -= 1 }
        }
        let task = Task { await runner.run() }
        try await Task.sleep(for: .milliseconds(4500))
        runner.stop()
        await task.value
        let statistics = runner.statistics
        #expect(overlaps.withLock { $0 } == 0)
        #expect(statistics.runs >= 2)
        #expect(statistics.failures == 0, "the lease must be renewed past its TTL")
        #expect(statistics.skippedBusy > 0)
    }

    @Test("stop waits for work in progress, which then releases the lock")
    func gracefulStop() async throws {
        let environment = try LockEnvironment(.memory)
        let lock = try environment.makeLock()
        let finished = Mutex(false)
        let runner = TimerLockRunner(lock: lock, key: "graceful", interval: .seconds(10), ttl: .seconds(5)) { _ in
            try await Task.sleep(for: .milliseconds(300))
            finished.withLock { $0 = true }
        }
        let task = Task { await runner.run() }
        try await Task.sleep(for: .milliseconds(50))
        runner.stop()
        await task.value
        #expect(finished.withLock { $0 })
        let lease = try #require(try await lock.tryAcquire(key: "graceful", ttl: .seconds(5)))
        try await lease.release()
    }
}
