//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageClient
import StorageCore
import Synchronization

/// Lock cycles of ``TableLock`` against the in-process emulator on disk.
struct LockBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let fixture = try EmulatorFixture()
        var configuration = TableLock.Configuration(account: fixture.account)
        configuration.retryTimeout = .milliseconds(1)
        let lock = TableLock(configuration: configuration)
        let count = self.options.quick ? 200 : 1_000
        print("lock: TableLock -> emulator (SQLite WAL on disk)")
        for concurrency in [1, 16] {
            _ = try await Measurement.run("uncontended tryAcquire + release", count: count, concurrency: concurrency) {
                index in
                guard let lease = try await lock.tryAcquire(key: "key-\(index % concurrency)", ttl: .seconds(30)) else {
                    throw BenchmarkFailure(status: 409)
                }
                try await lease.release()
            }
        }
        // Hand-overs: 8 contenders on one key, each taking it in turn as soon as it is free.
        let handovers = self.options.quick ? 100 : 400
        let fences = FenceLog()
        let clock = ContinuousClock()
        let start = clock.now
        let contenders = (0..<8).map { _ in TableLock(configuration: configuration) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for contender in contenders {
                group.addTask {
                    for _ in 0..<(handovers / 8) {
                        let lease = try await contender.acquire(
                            key: "contended", ttl: .seconds(30), timeout: .seconds(60))
                        fences.append(lease.fencingToken)
                        try await lease.release()
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        let taken = fences.all
        let rate = Int(Double(taken.count) / (elapsed.microseconds / 1_000_000))
        print(
            "contended hand-over, 8 contenders".padding(toLength: 34, withPad: " ", startingAt: 0)
                + " \(rate) hand-overs/s; fences \(taken.min() ?? 0)…\(taken.max() ?? 0), "
                + "all distinct: \(Set(taken).count == taken.count)")
    }
}

/// The fencing tokens the contenders were handed, in the order they got them.
private final class FenceLog: Sendable {
    private let fences = Mutex<[Int64]>([])

    func append(_ fence: Int64) {
        self.fences.withLock { $0.append(fence) }
    }

    var all: [Int64] { self.fences.withLock { $0 } }
}
