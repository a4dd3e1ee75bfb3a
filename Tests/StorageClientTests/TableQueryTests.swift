//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Testing

/// Queries: safe filters from hostile values, paging, `$select`, continuation.
@Suite("TableClient queries against the in-process emulator")
struct TableQueryTests {
    /// Values that would change a filter's meaning if pasted into its text.
    static let hostileNames = [
        "O'Brien", "' or true or '", "x' or RowKey ne '", "'", "''", "a''b", "%27", "plain",
        "') or (PartitionKey ne '", "\\' or 1 eq 1 --", "name eq 'plain'",
    ]

    @Test("a filter built from hostile strings returns exactly the intended rows")
    func hostileFilterValues() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        for (index, name) in Self.hostileNames.enumerated() {
            // Two rows per name, in two partitions named after hostile text too.
            for partition in ["' or '1' eq '1", "safe"] {
                _ = try await table.insert(
                    TableEntity(
                        partitionKey: partition, rowKey: String(format: "%03d", index),
                        properties: ["Name": .string(name), "Index": .int32(Int32(index))]))
            }
        }
        for (index, name) in Self.hostileNames.enumerated() {
            var found: [TableEntity] = []
            for try await entity in table.query(filter: .equal("Name", .string(name))) { found.append(entity) }
            #expect(found.map(\.rowKey) == [String(format: "%03d", index), String(format: "%03d", index)], "\(name)")
            #expect(found.allSatisfy { $0.properties["Name"] == .string(name) })

            var inPartition: [TableEntity] = []
            let filter = TableFilter.and(
                .equal("PartitionKey", .string("' or '1' eq '1")), .equal("Name", .string(name)))
            for try await entity in table.query(filter: filter) { inPartition.append(entity) }
            #expect(inPartition.count == 1, "\(name)")
            #expect(inPartition.first?.partitionKey == "' or '1' eq '1")
        }
        var none = 0
        for try await _ in table.query(filter: .equal("Name", .string("' or true or 'x"))) { none += 1 }
        #expect(none == 0)
    }

    @Test("pages through 2 500 entities, 1 000 at a time, yielding each once in key order")
    func paging() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let expected = try await Self.fill(table, partitions: 5, rowsPerPartition: 500)

        var pages: [TableQueryPage] = []
        for try await page in table.query(pageSize: 1000).pages { pages.append(page) }
        #expect(pages.count >= 3)
        #expect(pages.allSatisfy { $0.entities.count <= 1000 })
        #expect(pages.dropLast().allSatisfy { $0.continuation != nil })
        #expect(pages.last?.continuation == nil)
        let paged = pages.flatMap(\.entities)
        #expect(paged.map(Self.key) == expected)
        #expect(pages.allSatisfy { $0.etags.count == $0.entities.count })
        #expect(pages.allSatisfy { page in zip(page.entities, page.etags).allSatisfy { $0.etag == $1 } })
        #expect(pages.allSatisfy { TableClientTests.isRecent($0.serverDate) })

        var streamed: [TableEntity] = []
        for try await entity in table.query(pageSize: 1000) { streamed.append(entity) }
        #expect(streamed == paged)

        // Without a page size the service still stops at 1 000.
        var defaultPaged = 0
        var defaultPages = 0
        for try await page in table.query().pages {
            defaultPages += 1
            defaultPaged += page.entities.count
        }
        #expect(defaultPaged == 2500)
        #expect(defaultPages >= 3)

        // Resuming from a page's continuation gives the rest.
        let first = try await table.query(pageSize: 1000).page()
        var rest: [TableEntity] = []
        for try await page in table.query(pageSize: 1000).pages(from: first.continuation) {
            rest.append(contentsOf: page.entities)
        }
        #expect((first.entities + rest).map(Self.key) == expected)
    }

    @Test("pages through filtered results, each match once and in order")
    func pagingWithFilters() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let all = try await Self.fill(table, partitions: 5, rowsPerPartition: 500)

        let even = TableFilter.equal("Even", .boolean(true))
        var evens: [String] = []
        var pageCount = 0
        for try await page in table.query(filter: even, pageSize: 1000).pages {
            pageCount += 1
            evens.append(contentsOf: page.entities.map(Self.key))
        }
        #expect(evens == all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        #expect(pageCount >= 2)

        let range = TableFilter.and(
            .greaterThanOrEqual("PartitionKey", .string("p1")), .lessThan("PartitionKey", .string("p3")),
            .greaterThanOrEqual("Index", .int32(700)))
        var ranged: [String] = []
        for try await entity in table.query(filter: range, pageSize: 137) { ranged.append(Self.key(entity)) }
        #expect(ranged == Array(all[700..<1500]))

        var small: [String] = []
        for try await entity in table.query(rawFilter: "PartitionKey eq 'p4' and Index lt 2010", pageSize: 3) {
            small.append(Self.key(entity))
        }
        #expect(small == Array(all[2000..<2010]))
    }

    @Test("selects properties on queries and always returns keys and timestamps")
    func selectOnQuery() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        for index in 0..<3 {
            _ = try await table.insert(
                TableEntity(
                    partitionKey: "p", rowKey: "r\(index)",
                    properties: ["A": .int32(Int32(index)), "B": .string("b"), "C": .int64(Int64(index) << 33)]))
        }
        var entities: [TableEntity] = []
        for try await entity in table.query(select: ["C", "Absent"]) { entities.append(entity) }
        #expect(entities.map(\.rowKey) == ["r0", "r1", "r2"])
        #expect(entities.allSatisfy { $0.partitionKey == "p" && $0.timestamp != nil })
        #expect(entities.map(\.properties) == (0..<3).map { ["C": .int64(Int64($0) << 33)] })
    }

    @Test("an empty table yields nothing; a missing table throws TableNotFound")
    func emptyAndMissingTables() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        var count = 0
        for try await _ in table.query() { count += 1 }
        #expect(count == 0)
        let page = try await table.query().page()
        #expect(page.entities.isEmpty)
        #expect(page.continuation == nil)

        let missing = try service.client(TestTableService.uniqueTableName("missing"))
        let error = await storageError { for try await _ in missing.query() {} }
        #expect(error?.status == 404)
        #expect(error?.code == .tableNotFound)

        let badFilter = await storageError { for try await _ in table.query(rawFilter: "Name eq") {} }
        #expect(badFilter?.status == 400)
    }

    /// Inserts `partitions × rowsPerPartition` entities, 100 per transaction, and returns their
    /// keys in the order a query returns them.
    static func fill(_ table: TableClient, partitions: Int, rowsPerPartition: Int) async throws -> [String] {
        var keys: [String] = []
        var index = 0
        for partition in 0..<partitions {
            var actions: [TableTransactionAction] = []
            for row in 0..<rowsPerPartition {
                let entity = TableEntity(
                    partitionKey: "p\(partition)", rowKey: String(format: "r%05d", row),
                    properties: ["Index": .int32(Int32(index)), "Even": .boolean(index % 2 == 0)])
                keys.append(Self.key(entity))
                actions.append(.insert(entity))
                index += 1
                if actions.count == 100 {
                    _ = try await table.submitTransaction(actions)
                    actions.removeAll()
                }
            }
            if !actions.isEmpty { _ = try await table.submitTransaction(actions) }
        }
        return keys
    }

    static func key(_ entity: TableEntity) -> String {
        entity.partitionKey + "/" + entity.rowKey
    }
}
