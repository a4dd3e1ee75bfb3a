//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Testing

/// Entity group transactions: all applied, or none, with the failing action named.
@Suite("TableClient transactions against the in-process emulator")
struct TableTransactionTests {
    @Test("applies inserts, updates, upserts and deletes together, returning each new ETag")
    func successfulTransaction() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let replaced = try await table.insert(
            TableEntity(partitionKey: "g", rowKey: "replace", properties: ["A": .int32(1)]))
        let merged = try await table.insert(
            TableEntity(partitionKey: "g", rowKey: "merge", properties: ["A": .int32(1)]))
        _ = try await table.insert(TableEntity(partitionKey: "g", rowKey: "delete"))
        _ = try await table.insert(TableEntity(partitionKey: "g", rowKey: "upsert", properties: ["A": .int32(1)]))

        let results = try await table.submitTransaction([
            .insert(TableEntity(partitionKey: "g", rowKey: "new", properties: ["N": .string("it's new")])),
            .update(
                TableEntity(partitionKey: "g", rowKey: "replace", properties: ["B": .int32(2)]),
                ifMatch: .etag(replaced.etag)),
            .update(
                TableEntity(partitionKey: "g", rowKey: "merge", properties: ["B": .int32(2)]), mode: .merge,
                ifMatch: .any),
            .upsert(TableEntity(partitionKey: "g", rowKey: "upsert", properties: ["B": .int32(2)]), mode: .merge),
            .upsert(TableEntity(partitionKey: "g", rowKey: "fresh upsert", properties: ["B": .int32(2)])),
            .delete(partitionKey: "g", rowKey: "delete", ifMatch: .any),
        ])
        #expect(results.count == 6)
        #expect(results.dropLast().allSatisfy { TableETag.isWellFormed($0.etag) && $0.timestamp != nil })
        #expect(results.last?.etag == "")
        #expect(results.allSatisfy { TableClientTests.isRecent($0.serverDate) })
        #expect(merged.etag != results[2].etag)

        let new = try await table.entity(partitionKey: "g", rowKey: "new")
        #expect(new.etag == results[0].etag)
        #expect(new.entity.properties == ["N": .string("it's new")])
        #expect(try await table.entity(partitionKey: "g", rowKey: "replace").entity.properties == ["B": .int32(2)])
        #expect(
            try await table.entity(partitionKey: "g", rowKey: "merge").entity.properties == [
                "A": .int32(1), "B": .int32(2),
            ])
        #expect(
            try await table.entity(partitionKey: "g", rowKey: "upsert").entity.properties == [
                "A": .int32(1), "B": .int32(2),
            ])
        #expect(try await table.entity(partitionKey: "g", rowKey: "fresh upsert").etag == results[4].etag)
        #expect(try await table.entityIfExists(partitionKey: "g", rowKey: "delete") == nil)
    }

    @Test("a duplicate insert fails the whole transaction, naming its index")
    func failingInsert() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        _ = try await table.insert(TableEntity(partitionKey: "g", rowKey: "taken"))
        let failure = await Self.transactionError {
            _ = try await table.submitTransaction([
                .insert(TableEntity(partitionKey: "g", rowKey: "a")),
                .upsert(TableEntity(partitionKey: "g", rowKey: "b")),
                .insert(TableEntity(partitionKey: "g", rowKey: "taken")),
                .insert(TableEntity(partitionKey: "g", rowKey: "c")),
            ])
        }
        #expect(failure?.index == 2)
        #expect(failure?.error.status == 409)
        #expect(failure?.error.code == .entityAlreadyExists)
        #expect(failure?.error.message.hasPrefix("2:") == false)
        try await Self.expectRows(table, ["taken"])
    }

    @Test("a stale ETag fails the whole transaction with 412, applying nothing")
    func failingCondition() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let old = try await table.insert(TableEntity(partitionKey: "g", rowKey: "lock", properties: ["V": .int32(1)]))
        _ = try await table.update(
            TableEntity(partitionKey: "g", rowKey: "lock", properties: ["V": .int32(2)]), ifMatch: .any)
        let failure = await Self.transactionError {
            _ = try await table.submitTransaction([
                .insert(TableEntity(partitionKey: "g", rowKey: "a")),
                .update(
                    TableEntity(partitionKey: "g", rowKey: "lock", properties: ["V": .int32(3)]),
                    ifMatch: .etag(old.etag)),
            ])
        }
        #expect(failure?.index == 1)
        #expect(failure?.error.status == 412)
        #expect(failure?.error.code == .updateConditionNotSatisfied)
        try await Self.expectRows(table, ["lock"])
        #expect(try await table.entity(partitionKey: "g", rowKey: "lock").entity.properties == ["V": .int32(2)])

        let missing = await Self.transactionError {
            _ = try await table.submitTransaction([
                .upsert(TableEntity(partitionKey: "g", rowKey: "b")),
                .delete(partitionKey: "g", rowKey: "ghost", ifMatch: .any),
            ])
        }
        #expect(missing?.index == 1)
        #expect(missing?.error.code == .resourceNotFound)
        try await Self.expectRows(table, ["lock"])
    }

    @Test("refuses mixed partitions, duplicate rows, more than 100 actions and a missing table")
    func invalidTransactions() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let partitions = await Self.transactionError {
            _ = try await table.submitTransaction([
                .insert(TableEntity(partitionKey: "a", rowKey: "1")),
                .insert(TableEntity(partitionKey: "b", rowKey: "1")),
            ])
        }
        #expect(partitions?.index == 1)
        #expect(partitions?.error.status == 400)

        let duplicate = await Self.transactionError {
            _ = try await table.submitTransaction([
                .insert(TableEntity(partitionKey: "a", rowKey: "1")),
                .upsert(TableEntity(partitionKey: "a", rowKey: "1")),
            ])
        }
        #expect(duplicate?.index == 1)
        #expect(duplicate?.error.code == .invalidDuplicateRow)

        let hundred = (0..<100).map { TableTransactionAction.insert(TableEntity(partitionKey: "a", rowKey: "\($0)")) }
        #expect(try await table.submitTransaction(hundred).count == 100)
        let tooMany = await Self.transactionError {
            _ = try await table.submitTransaction(
                (100..<201).map { .insert(TableEntity(partitionKey: "a", rowKey: "\($0)")) })
        }
        #expect(tooMany?.error.code == .invalidInput)

        #expect(try await table.submitTransaction([]).isEmpty)

        let missing = try service.client(TestTableService.uniqueTableName("missing"))
        let noTable = await Self.transactionError {
            _ = try await missing.submitTransaction([.insert(TableEntity(partitionKey: "a", rowKey: "1"))])
        }
        #expect(noTable?.index == 0)
        #expect(noTable?.error.code == .tableNotFound)
    }

    @Test("carries awkward keys and every value type through a transaction")
    func awkwardKeysInTransaction() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let partition = "O'Brien & café ü"
        let properties: EntityProperties = [
            "I64": .int64(.min), "D": .double(.nan), "T": .dateTime(PreciseTimestamp(ticksSinceEpoch: 1)),
            "G": .guid("00000000-0000-0000-0000-000000000001"), "B": .binary([0, 255]), "S": .string("a\r\nb"),
        ]
        let results = try await table.submitTransaction([
            .insert(TableEntity(partitionKey: partition, rowKey: "it's", properties: properties)),
            .upsert(TableEntity(partitionKey: partition, rowKey: "100% ''", properties: properties)),
        ])
        #expect(results.count == 2)
        for rowKey in ["it's", "100% ''"] {
            let read = try await table.entity(partitionKey: partition, rowKey: rowKey)
            #expect(sameProperties(read.entity.properties, properties))
        }
        try await Self.expectRows(table, ["100% ''", "it's"])
    }

    /// Runs `body` and returns the ``TableTransactionError`` it threw.
    static func transactionError(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async -> TableTransactionError? {
        do {
            try await body()
            Issue.record("expected a TableTransactionError, but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as TableTransactionError {
            return error
        } catch {
            Issue.record("expected a TableTransactionError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Checks that the table holds exactly these row keys.
    static func expectRows(
        _ table: TableClient, _ rowKeys: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        var found: [String] = []
        for try await entity in table.query() { found.append(entity.rowKey) }
        #expect(found == rowKeys, sourceLocation: sourceLocation)
    }
}
