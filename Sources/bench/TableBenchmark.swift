//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Synchronization

/// Table operations through ``TableClient`` against the emulator, beside the same operations
/// through the official Python SDK (``PythonTablesAnchor``).
struct TableBenchmark {
    static let operations = ["insert", "point read", "If-Match replace", "query, 100-entity page"]
    static let subject = "TableClient → emulator"

    func run(_ context: BenchmarkContext) async throws {
        guard context.options.selectsAny(group: "table", of: Self.operations) else { return }
        let client = TableClient(account: context.emulator.account, tableName: "bench")
        _ = try await client.createTableIfNotExists()
        // The Python SDK right after Baton's rows of the same concurrency, so that both see
        // nearly the same load.
        for concurrency in [1, 16] {
            try await self.run(context, client: client, concurrency: concurrency)
            try await PythonTablesAnchor().run(context, concurrency: concurrency)
        }
    }

    private func run(_ context: BenchmarkContext, client: TableClient, concurrency: Int) async throws {
        let partition = "swift-c\(concurrency)"
        let anchor = PythonTablesAnchor.subject
        // Each caller inserts, reads and replaces its own entities, so callers never conflict.
        let inserted = Mutex([Int](repeating: 0, count: concurrency))
        @Sendable func rowKey(_ caller: Int, _ index: Int) -> String {
            "\(caller < 10 ? "00" : "0")\(caller)-\(String(index + 100_000_000).dropFirst())"
        }
        @Sendable func insert(_ caller: Int, _ call: Int) async throws {
            let entity = TableEntity(
                partitionKey: partition, rowKey: rowKey(caller, call),
                properties: ["Name": .string("entity \(call)"), "Count": .int64(Int64(call))])
            _ = try await client.insert(entity)
            inserted.withLock { $0[caller] = call + 1 }
        }
        try await context.row("table", "insert", subject: Self.subject, anchor: anchor, concurrency: concurrency) {
            try await insert($0, $1)
        }
        // Whatever the filter, the later rows need one entity per caller and a full page.
        for caller in 0..<concurrency where inserted.withLock({ $0[caller] }) == 0 {
            try await insert(caller, 0)
        }
        while inserted.withLock({ $0.reduce(0, +) }) < 100 {
            try await insert(0, inserted.withLock { $0[0] })
        }
        let counts = inserted.withLock { $0 }

        try await context.row("table", "point read", subject: Self.subject, anchor: anchor, concurrency: concurrency) {
            caller, call in
            _ = try await client.entity(partitionKey: partition, rowKey: rowKey(caller, call % counts[caller]))
        }

        let etags = Mutex([String](repeating: "", count: concurrency))
        for caller in 0..<concurrency {
            let read = try await client.entity(partitionKey: partition, rowKey: rowKey(caller, 0))
            etags.withLock { $0[caller] = read.etag }
        }
        try await context.row(
            "table", "If-Match replace", subject: Self.subject, anchor: anchor, concurrency: concurrency
        ) { caller, call in
            let entity = TableEntity(
                partitionKey: partition, rowKey: rowKey(caller, 0),
                properties: ["Name": .string("replaced"), "Count": .int64(Int64(call))])
            let written = try await client.update(
                entity, mode: .replace, ifMatch: .etag(etags.withLock { $0[caller] }))
            etags.withLock { $0[caller] = written.etag }
        }

        try await context.row(
            "table", "query, 100-entity page", subject: Self.subject, anchor: anchor, concurrency: concurrency
        ) { _, _ in
            var pages = client.query(filter: .equal("PartitionKey", .string(partition)), pageSize: 100).pages
                .makeAsyncIterator()
            guard let page = try await pages.next(), page.entities.count == 100 else {
                throw BenchmarkFailure("a query page did not hold 100 entities")
            }
        }
    }
}
