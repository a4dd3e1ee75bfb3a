//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore

/// Table operations through ``TableClient`` against the in-process emulator on disk.
struct TableBenchmark {
    let options: BenchmarkOptions

    func run() async throws {
        let fixture = try EmulatorFixture()
        let client = TableClient(account: fixture.account, tableName: "bench")
        try await client.createTableIfNotExists()
        let count = self.options.quick ? 300 : 2_000
        print("table: TableClient -> emulator (SQLite WAL on disk), \(count) operations per row")
        for concurrency in [1, 16] {
            let partition = "c\(concurrency)"
            _ = try await Measurement.run("insert", count: count, concurrency: concurrency) { index in
                let entity = TableEntity(
                    partitionKey: partition, rowKey: String(format: "%08d", index),
                    properties: ["Name": .string("entity \(index)"), "Count": .int64(Int64(index))])
                _ = try await client.insert(entity)
            }
            _ = try await Measurement.run("point read", count: count, concurrency: concurrency) { index in
                _ = try await client.entity(partitionKey: partition, rowKey: String(format: "%08d", index))
            }
            _ = try await Measurement.run("If-Match replace (read + update)", count: count, concurrency: concurrency) {
                index in
                let read = try await client.entity(partitionKey: partition, rowKey: String(format: "%08d", index))
                var entity = read.entity
                entity.properties["Count"] = .int64(Int64(index + 1))
                _ = try await client.update(entity, mode: .replace, ifMatch: .etag(read.etag))
            }
            _ = try await Measurement.run("query, 100-entity page", count: count / 10, concurrency: concurrency) { _ in
                var iterator = client.query(filter: .equal("PartitionKey", .string(partition)), pageSize: 100).pages
                    .makeAsyncIterator()
                _ = try await iterator.next()
            }
        }
    }
}
