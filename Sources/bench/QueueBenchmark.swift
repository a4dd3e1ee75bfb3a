//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Synchronization

/// Queue operations through ``QueueClient`` against the emulator.
struct QueueBenchmark {
    static let put = "put message"
    static let getDelete = "get + delete message"
    static let subject = "QueueClient → emulator"

    func run(_ context: BenchmarkContext) async throws {
        guard context.options.selectsAny(group: "queue", of: [Self.put, Self.getDelete]) else { return }
        for concurrency in [1, 16] {
            let client = QueueClient(account: context.emulator.account, queueName: "bench-\(concurrency)")
            _ = try await client.createIfNotExists()
            let sent = CallCounter()
            try await context.row("queue", Self.put, subject: Self.subject, concurrency: concurrency) { _, call in
                _ = try await client.send("file-\(call).png")
                sent.increment()
            }
            // Get + delete consumes what put left, plus enough for its window when put was
            // filtered out or slow (loaded in parallel, not measured).
            let needed = Int(Double(context.options.window.seconds + context.options.warmup.seconds) * 4_000)
            let missing = needed - sent.value
            if missing > 0, context.options.selects(group: "queue", operation: Self.getDelete) {
                _ = try await Measurement.run(
                    concurrency: 16,
                    window: Measurement.Window(warmup: .zero, measured: .seconds(600), limit: missing)
                ) { _, call in _ = try await client.send("file-\(call).png") }
            }
            try await context.row(
                "queue", Self.getDelete, subject: Self.subject, concurrency: concurrency,
                window: Measurement.Window(
                    warmup: context.options.warmup, measured: context.options.window,
                    limit: max(missing, 0) + sent.value)
            ) { _, _ in
                guard let message = try await client.receive(count: 1, visibilityTimeout: .seconds(30)).first,
                    let receipt = message.popReceipt
                else { throw BenchmarkFailure("Get Messages found the queue empty") }
                try await client.delete(messageId: message.messageId, popReceipt: receipt)
            }
        }
    }
}
