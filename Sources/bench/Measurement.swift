//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// Runs an operation `count` times split over `concurrency` tasks, timing each call.
enum Measurement {
    /// One line of results.
    struct Result {
        let name: String
        let concurrency: Int
        let operationsPerSecond: Double
        let latency: LatencySummary

        var line: String {
            self.name.padding(toLength: 34, withPad: " ", startingAt: 0)
                + String(
                    format: " c=%-3d %9.0f ops/s   p50 %8.1f µs   p99 %8.1f µs", self.concurrency,
                    self.operationsPerSecond, self.latency.p50.microseconds, self.latency.p99.microseconds)
        }
    }

    /// Times `operation(index)` for indices 0..<count, `concurrency` at a time.
    static func run(
        _ name: String, count: Int, concurrency: Int, operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> Result {
        let clock = ContinuousClock()
        let start = clock.now
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var samples: [Duration] = []
                    var index = worker
                    while index < count {
                        let begin = clock.now
                        try await operation(index)
                        samples.append(clock.now - begin)
                        index += concurrency
                    }
                    return samples
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
        let elapsed = clock.now - start
        let result = Result(
            name: name, concurrency: concurrency,
            operationsPerSecond: Double(samples.count) / (elapsed.microseconds / 1_000_000),
            latency: LatencySummary(samples))
        print(result.line)
        return result
    }
}
