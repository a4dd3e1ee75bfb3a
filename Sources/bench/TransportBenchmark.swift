//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore

/// Round trips of ``CurlTransport`` against an in-process ``HTTPServer`` answering 204: the
/// transport's own cost plus loopback, with no storage logic on either side.
struct TransportBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let server = try HTTPServer { _ in HTTPServerResponse(status: 204) }
        defer { server.shutdown() }
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let request = HTTPClientRequest(
            method: "GET", url: "http://\(server.host):\(server.port)/devstoreaccount1/bench",
            headers: ["x-ms-version": "2019-02-02"])

        print("transport: libcurl (pooled, curl_multi) -> libmicrohttpd on \(server.host):\(server.port)")
        #if DEBUG
            print("warning: debug build; run `swift run -c release bench transport` for real numbers")
        #endif

        for _ in 0..<min(500, self.options.requests) {
            _ = try await transport.execute(request)
        }

        var samples: [Duration] = []
        samples.reserveCapacity(self.options.requests)
        let clock = ContinuousClock()
        let sequentialStart = clock.now
        for _ in 0..<self.options.requests {
            let start = clock.now
            let response = try await transport.execute(request)
            samples.append(clock.now - start)
            guard response.status == 204 else { throw BenchmarkFailure(status: response.status) }
        }
        let sequentialElapsed = clock.now - sequentialStart
        let summary = LatencySummary(samples)
        print(
            String(
                format: "sequential  n=%d  p50 %.1f µs  p99 %.1f µs  mean %.1f µs  max %.1f µs  %.0f req/s",
                summary.count, summary.p50.microseconds, summary.p99.microseconds, summary.mean.microseconds,
                summary.maximum.microseconds, Double(summary.count) / (sequentialElapsed.microseconds / 1_000_000)))

        let concurrency = self.options.concurrency
        let perTask = max(1, self.options.requests / concurrency)
        let concurrentStart = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    for _ in 0..<perTask {
                        let response = try await transport.execute(request)
                        guard response.status == 204 else { throw BenchmarkFailure(status: response.status) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let concurrentElapsed = clock.now - concurrentStart
        let total = perTask * concurrency
        print(
            String(
                format: "concurrent  n=%d  c=%d  %.0f req/s", total, concurrency,
                Double(total) / (concurrentElapsed.microseconds / 1_000_000)))
        print("connections opened by the server: \(server.connectionsAccepted) for \(total + summary.count) requests")
    }
}

/// A response other than the expected one, which would make the numbers meaningless.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let status: Int
    var description: String { "unexpected HTTP status \(self.status)" }
}
