//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization

/// Runs an operation from several concurrent callers for a warm-up window, then a measured
/// window, timing every call of the measured one.
///
/// Callers are numbered `0..<concurrency`; each passes its number and its own running count of
/// calls to the operation, so an operation can address the caller's own entities, keys or jobs
/// and callers never contend unless a row wants them to.
enum Measurement {
    /// What one or more measured windows produced.
    struct Sample: Sendable {
        let concurrency: Int
        let operationsPerSecond: Double
        let latency: LatencySummary
    }

    /// The calls timed in one measured window, and how long the window lasted.
    struct Timings: Sendable {
        var samples: [Duration]
        var elapsed: Duration

        /// Several windows as one: every call, and the windows' total time.
        static func pooled(_ windows: [Timings], concurrency: Int) throws -> Sample {
            let samples = windows.flatMap(\.samples)
            let elapsed = windows.reduce(Duration.zero) { $0 + $1.elapsed }
            guard !samples.isEmpty else { throw BenchmarkFailure("no call completed in the measured window") }
            return Sample(
                concurrency: concurrency, operationsPerSecond: Double(samples.count) / elapsed.seconds,
                latency: LatencySummary(samples))
        }
    }

    /// How long to warm up and measure, and at most how many calls in all (for operations that
    /// consume something, such as queued messages or jobs).
    struct Window: Sendable {
        var warmup: Duration
        var measured: Duration
        var limit: Int?
    }

    /// An operation, as concurrent callers run it.
    enum Operation: Sendable {
        /// Called from tasks of the cooperative pool; for operations that suspend rather than
        /// block. Arguments: the caller's number and its count of calls so far.
        case suspending(@Sendable (Int, Int) async throws -> Void)
        /// Each caller is made on, and calls from, a thread of its own, so that blocking socket
        /// calls never hold a thread of the cooperative pool.
        case blocking(@Sendable (Int) throws -> (Int) throws -> Void)
    }

    /// Times `operation` in one window; `firstCall` numbers the callers' first calls, so that a
    /// later window of the same row does not reuse the keys of an earlier one.
    static func time(
        _ operation: Operation, concurrency: Int, window: Window, firstCall: Int = 0
    ) async throws -> Timings {
        switch operation {
        case .suspending(let body):
            try await Self.time(concurrency: concurrency, window: window, firstCall: firstCall, operation: body)
        case .blocking(let makeCaller):
            try await Self.timeOnThreads(concurrency: concurrency, window: window, makeCaller: makeCaller)
        }
    }

    /// Times `operation` once, as one row.
    static func run(
        concurrency: Int, window: Window, operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> Sample {
        let timings = try await Self.time(concurrency: concurrency, window: window, firstCall: 0, operation: operation)
        return try Timings.pooled([timings], concurrency: concurrency)
    }

    private static func time(
        concurrency: Int, window: Window, firstCall: Int, operation: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> Timings {
        let clock = ContinuousClock()
        let tickets = CallCounter()
        let start = clock.now
        let warmEnd = start + window.warmup
        let end = warmEnd + window.measured
        let samples = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for caller in 0..<concurrency {
                group.addTask {
                    var samples: [Duration] = []
                    var call = firstCall
                    while true {
                        let begin = clock.now
                        if begin >= end { break }
                        if let limit = window.limit, tickets.increment() >= limit { break }
                        try await operation(caller, call)
                        call += 1
                        if begin >= warmEnd { samples.append(clock.now - begin) }
                    }
                    return samples
                }
            }
            var all: [Duration] = []
            for try await part in group { all += part }
            return all
        }
        return Timings(samples: samples, elapsed: clock.now - warmEnd)
    }

    private static func timeOnThreads(
        concurrency: Int, window: Window, makeCaller: @escaping @Sendable (Int) throws -> (Int) throws -> Void
    ) async throws -> Timings {
        let clock = ContinuousClock()
        let start = clock.now
        let warmEnd = start + window.warmup
        let end = warmEnd + window.measured
        let outcomes = Mutex<[Result<[Duration], any Error>]>([])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            for caller in 0..<concurrency {
                let thread = Thread {
                    let outcome = Result<[Duration], any Error> {
                        let operation = try makeCaller(caller)
                        var samples: [Duration] = []
                        var call = 0
                        while true {
                            let begin = clock.now
                            if begin >= end { break }
                            try operation(call)
                            call += 1
                            if begin >= warmEnd { samples.append(clock.now - begin) }
                        }
                        return samples
                    }
                    let finished = outcomes.withLock {
                        $0.append(outcome)
                        return $0.count == concurrency
                    }
                    if finished { continuation.resume() }
                }
                thread.name = "bench-caller-\(caller)"
                thread.start()
            }
        }
        var samples: [Duration] = []
        for outcome in outcomes.withLock({ $0 }) { samples += try outcome.get() }
        return Timings(samples: samples, elapsed: clock.now - warmEnd)
    }
}

extension Duration {
    /// Seconds as a floating-point number.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// Something went wrong that makes the numbers meaningless: an unexpected answer, a server
/// that did not start.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
