//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore

/// Queue operations through ``QueueClient`` against the in-process emulator on disk.
struct QueueBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let fixture = try EmulatorFixture(queue: true)
        guard let account = fixture.queueAccount else { throw BenchmarkFailure(status: 0) }
        let count = self.options.quick ? 300 : 2_000
        print("queue: QueueClient -> emulator (SQLite WAL on disk), \(count) operations per row")
        for concurrency in [1, 16] {
            let client = QueueClient(account: account, queueName: "bench-\(concurrency)")
            _ = try await client.createIfNotExists()
            _ = try await Measurement.run("put message", count: count, concurrency: concurrency) { index in
                _ = try await client.send("file-\(index).png")
            }
            _ = try await Measurement.run("get + delete message", count: count, concurrency: concurrency) { _ in
                guard let message = try await client.receive(count: 1, visibilityTimeout: .seconds(30)).first,
                    let receipt = message.popReceipt
                else { throw BenchmarkFailure(status: 404) }
                try await client.delete(messageId: message.messageId, popReceipt: receipt)
            }
        }
    }
}
