//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore

/// How the emulator holds up as a table and a queue grow: point reads and inserts with a
/// thousand and with a million entities, Get Messages with a million messages queued, and the
/// emulator's resident memory at each size.
///
/// Filling through HTTP would take most of the run, so the stores are filled on disk while the
/// emulator is stopped: one entity and one message are written through HTTP, then copied in
/// SQL (keys and ids changed, everything else as the emulator wrote it), and the emulator is
/// started again over the files. Every measured operation goes through HTTP.
struct ScaleBenchmark {
    static let readPrefix = "point read, "
    static let subject = "TableClient → emulator"
    /// Entities per partition of the filled table.
    static let partitionSize = 10_000

    /// `1 thousand`, `1 million`, `100 thousand`.
    static func sizeName(_ count: Int) -> String {
        if count >= 1_000_000, count % 1_000_000 == 0 { return "\(count / 1_000_000) million" }
        if count >= 1_000, count % 1_000 == 0 { return "\(count / 1_000) thousand" }
        return "\(count)"
    }

    /// Row key `n` of the filled table, and its partition.
    static func key(_ index: Int) -> (partition: String, row: String) {
        (
            "p" + String(index / Self.partitionSize + 1_000).dropFirst(),
            String(index + 100_000_000).dropFirst().description
        )
    }

    func run(_ context: BenchmarkContext) async throws {
        let small = 1_000
        let large = context.options.scaleEntities
        let messages = context.options.scaleMessages
        context.report.largeTableSize = large
        let operations = [Self.read(small), Self.read(large), Self.insert(small), Self.insert(large)]
        guard context.options.selectsAny(group: "scale", of: operations + [Self.getMessages(messages)]) else { return }

        // One entity per table and one message through HTTP: the templates the fill copies.
        for size in [small, large] {
            let table = TableClient(account: context.emulator.account, tableName: Self.tableName(size))
            _ = try await table.createTableIfNotExists()
            _ = try await table.insert(
                TableEntity(
                    partitionKey: "template", rowKey: "template",
                    properties: ["Name": .string("a typical entity of a few properties"), "Count": .int64(42)]))
        }
        let queue = QueueClient(account: context.emulator.account, queueName: "scale")
        _ = try await queue.createIfNotExists()
        _ = try await queue.send("uploads/2026/12/04/file-000001.png")

        // The small table alone first, for the emulator's memory with it.
        context.emulator.stop()
        try Self.fillEntities(at: context.emulator.location, table: Self.tableName(small), count: small)
        try await context.emulator.restart()
        _ = try await Measurement.run(
            concurrency: 1, window: Measurement.Window(warmup: .zero, measured: .seconds(1), limit: nil),
            operation: Self.reader(context, size: small))
        context.report.recordMemory(
            "emulator restarted with the \(Self.sizeName(small))-entity table, after 1 s of point reads",
            bytes: context.emulator.residentMemoryBytes)

        let clock = ContinuousClock()
        let start = clock.now
        context.emulator.stop()
        try Self.fillEntities(at: context.emulator.location, table: Self.tableName(large), count: large)
        if context.options.selects(group: "scale", operation: Self.getMessages(messages)) {
            try Self.fillMessages(at: context.emulator.location, count: messages - 1)
        }
        try await context.emulator.restart()
        Console.line(
            "scale: filled \(Self.sizeName(large)) entities and \(Self.sizeName(messages)) messages in "
                + String(format: "%.1f s", (clock.now - start).seconds))

        // Both sizes in alternating rounds, so that they see the same load.
        try await context.compare(
            "scale", Self.read(large), concurrency: 1,
            [small, large].map { size in
                BenchmarkContext.Contender(
                    subject: Self.subject, isAnchor: false, operation: .suspending(Self.reader(context, size: size)),
                    rowOperation: Self.read(size))
            })
        try await context.compare(
            "scale", Self.insert(large), concurrency: 16,
            [small, large].map { size in
                BenchmarkContext.Contender(
                    subject: Self.subject, isAnchor: false, operation: .suspending(Self.inserter(context, size: size)),
                    rowOperation: Self.insert(size))
            })
        let getter = QueueClient(account: context.emulator.account, queueName: "scale")
        try await context.row(
            "scale", Self.getMessages(messages), subject: "QueueClient → emulator", concurrency: 1,
            window: Measurement.Window(
                warmup: context.options.warmup, measured: context.options.window, limit: messages / 64)
        ) { _, _ in
            let got = try await getter.receive(count: 32, visibilityTimeout: .seconds(600))
            guard got.count == 32 else { throw BenchmarkFailure("Get Messages returned \(got.count), not 32") }
        }
        context.report.recordMemory(
            "emulator after the scale rows, with \(Self.sizeName(large)) entities and \(Self.sizeName(messages)) messages",
            bytes: context.emulator.residentMemoryBytes)
    }

    /// Point reads of random entities of the table of `size`.
    private static func reader(_ context: BenchmarkContext, size: Int) -> @Sendable (Int, Int) async throws -> Void {
        let table = TableClient(account: context.emulator.account, tableName: Self.tableName(size))
        return { _, _ in
            let key = Self.key(Int.random(in: 0..<size))
            _ = try await table.entity(partitionKey: key.partition, rowKey: key.row)
        }
    }

    /// Inserts of new entities into random partitions of the table of `size`.
    private static func inserter(_ context: BenchmarkContext, size: Int) -> @Sendable (Int, Int) async throws -> Void {
        let table = TableClient(account: context.emulator.account, tableName: Self.tableName(size))
        return { caller, call in
            let partition = Self.key(Int.random(in: 0..<size)).partition
            _ = try await table.insert(
                TableEntity(
                    partitionKey: partition, rowKey: "new-\(caller)-\(call)",
                    properties: ["Name": .string("a typical entity of a few properties"), "Count": .int64(42)]))
        }
    }

    /// `scale1thousand`, `scale1million`.
    private static func tableName(_ size: Int) -> String {
        "scale" + Self.sizeName(size).replacingOccurrences(of: " ", with: "")
    }

    static func read(_ size: Int) -> String { "\(Self.readPrefix)\(Self.sizeName(size)) entities" }
    static func insert(_ size: Int) -> String { "insert, \(Self.sizeName(size)) entities" }
    static func getMessages(_ count: Int) -> String { "Get Messages (32), \(Self.sizeName(count)) queued" }

    /// Copies the template entity of `table` to rows `0..<count`, in one transaction.
    private static func fillEntities(at location: URL, table: String, count: Int) throws {
        let database = try SQLiteDatabase(
            configuration: .init(
                location: .file(path: location.appendingPathComponent(TableStore.databaseFileName).path)))
        defer { database.close() }
        let template = try database.rows(
            "SELECT account, table_key, timestamp_ticks, properties FROM entities WHERE table_key = ?1 AND partition_key = 'template' AND row_key = 'template'",
            [.text(table.lowercased())]
        ) { statement in
            [
                SQLiteValue.text(statement.text(at: 0)), .text(statement.text(at: 1)),
                .integer(statement.integer(at: 2)),
                .blob(statement.blob(at: 3)),
            ]
        }
        guard let values = template.first else { throw BenchmarkFailure("the template entity is missing") }
        _ = try database.execute(
            """
            WITH RECURSIVE counter(n) AS (SELECT ?5 UNION ALL SELECT n + 1 FROM counter WHERE n + 1 < ?6)
            INSERT INTO entities (account, table_key, partition_key, row_key, timestamp_ticks, properties)
            SELECT ?1, ?2, printf('p%03d', n / \(Self.partitionSize)), printf('%08d', n), ?3, ?4 FROM counter
            """, values + [.integer(0), .integer(Int64(count))])
    }

    /// Copies the template message `count` times into the `scale` queue, in one transaction.
    private static func fillMessages(at location: URL, count: Int) throws {
        let database = try SQLiteDatabase(
            configuration: .init(
                location: .file(path: location.appendingPathComponent(QueueStore.databaseFileName).path)))
        defer { database.close() }
        let template = try database.rows(
            """
            SELECT account, queue, insertion_ms, expiration_ms, next_visible_ms, dequeue_count, pop_receipt, body
            FROM messages WHERE queue = 'scale' ORDER BY sequence LIMIT 1
            """
        ) { statement in
            [
                SQLiteValue.text(statement.text(at: 0)), .text(statement.text(at: 1)),
                .integer(statement.integer(at: 2)),
                .integer(statement.integer(at: 3)), .integer(statement.integer(at: 4)),
                .integer(statement.integer(at: 5)),
                .text(statement.text(at: 6)), .text(statement.text(at: 7)),
            ]
        }
        guard let values = template.first else { throw BenchmarkFailure("the template message is missing") }
        _ = try database.execute(
            """
            WITH RECURSIVE counter(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM counter WHERE n < ?9)
            INSERT INTO messages (account, queue, message_id, insertion_ms, expiration_ms, next_visible_ms,
                                  dequeue_count, pop_receipt, body)
            SELECT ?1, ?2, printf('%08x-0000-4000-8000-%012x', n, n), ?3, ?4, ?5, ?6, ?7, ?8 FROM counter
            """, values + [.integer(Int64(count))])
    }
}
