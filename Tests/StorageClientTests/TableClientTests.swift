//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// Every single-entity and table operation, against an in-process emulator per test.
@Suite("TableClient against the in-process emulator")
struct TableClientTests {
    @Test("creates a table once, reports it existing, and deletes it")
    func tableLifecycle() async throws {
        let service = try TestTableService()
        let table = try service.client(TestTableService.uniqueTableName())
        #expect(try await table.createTableIfNotExists())
        #expect(try await !table.createTableIfNotExists())
        let exists = await storageError { try await table.createTable() }
        #expect(exists?.status == 409)
        #expect(exists?.code == .tableAlreadyExists)

        try await table.deleteTable()
        let missing = await storageError { try await table.deleteTable() }
        #expect(missing?.status == 404)
        #expect(missing?.code == .resourceNotFound)
        let gone = await storageError { _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r")) }
        #expect(gone?.code == .tableNotFound)
    }

    @Test("inserts and reads back an entity with its ETag, timestamp and the server's clock")
    func insertAndRead() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let entity = TableEntity(
            partitionKey: "jobs", rowKey: "nightly", properties: ["Owner": .string("worker-1"), "Attempt": .int32(1)])

        let written = try await table.insert(entity)
        #expect(written.entity == nil)
        #expect(TableETag.isWellFormed(written.etag))
        let timestamp = try #require(written.timestamp)
        #expect(TableETag.make(timestamp) == written.etag)
        #expect(Self.isRecent(written.serverDate))

        let read = try await table.entity(partitionKey: "jobs", rowKey: "nightly")
        #expect(read.etag == written.etag)
        #expect(read.entity.timestamp == timestamp)
        #expect(read.entity.partitionKey == "jobs")
        #expect(read.entity.rowKey == "nightly")
        #expect(read.entity.properties == entity.properties)
        #expect(Self.isRecent(read.serverDate))

        let ifExists = try await table.entityIfExists(partitionKey: "jobs", rowKey: "nightly")
        #expect(ifExists?.entity == read.entity && ifExists?.etag == read.etag)
    }

    @Test("echoes the stored entity when asked to return content")
    func insertReturningContent() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let written = try await table.insert(
            TableEntity(partitionKey: "p", rowKey: "r", properties: ["Big": .int64(1 << 40)]), returnContent: true)
        let echoed = try #require(written.entity)
        #expect(echoed.properties == ["Big": .int64(1 << 40)])
        #expect(echoed.timestamp == written.timestamp)
        #expect(echoed.etag == written.etag)
        #expect(Self.isRecent(written.serverDate))
    }

    @Test("refuses a duplicate insert with EntityAlreadyExists")
    func duplicateInsert() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r"))
        let error = await storageError { _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r")) }
        #expect(error?.status == 409)
        #expect(error?.code == .entityAlreadyExists)
    }

    @Test("tells a missing entity (ResourceNotFound) from a missing table (TableNotFound)")
    func missingEntityAndTable() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let missing = await storageError { _ = try await table.entity(partitionKey: "p", rowKey: "nope") }
        #expect(missing?.status == 404)
        #expect(missing?.code == .resourceNotFound)
        #expect(try await table.entityIfExists(partitionKey: "p", rowKey: "nope") == nil)

        let noTable = try service.client(TestTableService.uniqueTableName("missing"))
        let tableError = await storageError { _ = try await noTable.entity(partitionKey: "p", rowKey: "r") }
        #expect(tableError?.status == 404)
        #expect(tableError?.code == .tableNotFound)
        let stillThrows = await storageError { _ = try await noTable.entityIfExists(partitionKey: "p", rowKey: "r") }
        #expect(stillThrows?.code == .tableNotFound)
        let upsertError = await storageError {
            _ = try await noTable.upsert(TableEntity(partitionKey: "p", rowKey: "r"))
        }
        #expect(upsertError?.code == .tableNotFound)
    }

    @Test("updates only the version named by If-Match; a stale ETag gets 412")
    func conditionalUpdate() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let first = try await table.insert(
            TableEntity(
                partitionKey: "lock", rowKey: "a", properties: ["Owner": .string("one"), "Keep": .boolean(true)]))

        let second = try await table.update(
            TableEntity(partitionKey: "lock", rowKey: "a", properties: ["Owner": .string("two")]),
            ifMatch: .etag(first.etag))
        #expect(second.etag != first.etag)
        #expect(try #require(second.timestamp) > #require(first.timestamp))
        #expect(Self.isRecent(second.serverDate))
        // Replace dropped the property the new entity lacks.
        #expect(
            try await table.entity(partitionKey: "lock", rowKey: "a").entity.properties == ["Owner": .string("two")])

        let stale = await storageError {
            _ = try await table.update(
                TableEntity(partitionKey: "lock", rowKey: "a", properties: ["Owner": .string("three")]),
                ifMatch: .etag(first.etag))
        }
        #expect(stale?.status == 412)
        #expect(stale?.code == .updateConditionNotSatisfied)

        let merged = try await table.update(
            TableEntity(partitionKey: "lock", rowKey: "a", properties: ["Extra": .int32(7)]), mode: .merge,
            ifMatch: .etag(second.etag))
        let read = try await table.entity(partitionKey: "lock", rowKey: "a")
        #expect(read.etag == merged.etag)
        #expect(read.entity.properties == ["Owner": .string("two"), "Extra": .int32(7)])

        _ = try await table.update(TableEntity(partitionKey: "lock", rowKey: "a"), ifMatch: .any)
        #expect(try await table.entity(partitionKey: "lock", rowKey: "a").entity.properties.isEmpty)

        let missing = await storageError {
            _ = try await table.update(TableEntity(partitionKey: "lock", rowKey: "none"), ifMatch: .any)
        }
        #expect(missing?.code == .resourceNotFound)
        let malformed = await storageError {
            _ = try await table.update(TableEntity(partitionKey: "lock", rowKey: "a"), ifMatch: .etag("not-an-etag"))
        }
        #expect(malformed?.status == 400)
        #expect(malformed?.code == .invalidInput)
    }

    @Test("upserts insert or overwrite regardless of version, replacing or merging")
    func upserts() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let inserted = try await table.upsert(
            TableEntity(partitionKey: "p", rowKey: "r", properties: ["A": .int32(1), "B": .int32(2)]))
        #expect(TableETag.isWellFormed(inserted.etag))
        #expect(Self.isRecent(inserted.serverDate))

        _ = try await table.upsert(
            TableEntity(partitionKey: "p", rowKey: "r", properties: ["C": .int32(3)]), mode: .merge)
        #expect(
            try await table.entity(partitionKey: "p", rowKey: "r").entity.properties == [
                "A": .int32(1), "B": .int32(2), "C": .int32(3),
            ])

        let replaced = try await table.upsert(TableEntity(partitionKey: "p", rowKey: "r", properties: ["D": .int32(4)]))
        let read = try await table.entity(partitionKey: "p", rowKey: "r")
        #expect(read.entity.properties == ["D": .int32(4)])
        #expect(read.etag == replaced.etag)
    }

    @Test("deletes only the version named by If-Match, or any with *")
    func conditionalDelete() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let first = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r"))
        let second = try await table.upsert(TableEntity(partitionKey: "p", rowKey: "r", properties: ["V": .int32(2)]))

        let stale = await storageError {
            try await table.delete(partitionKey: "p", rowKey: "r", ifMatch: .etag(first.etag))
        }
        #expect(stale?.status == 412)
        #expect(stale?.code == .updateConditionNotSatisfied)
        #expect(try await table.entityIfExists(partitionKey: "p", rowKey: "r") != nil)

        try await table.delete(partitionKey: "p", rowKey: "r", ifMatch: .etag(second.etag))
        #expect(try await table.entityIfExists(partitionKey: "p", rowKey: "r") == nil)

        let missing = await storageError { try await table.delete(partitionKey: "p", rowKey: "r", ifMatch: .any) }
        #expect(missing?.status == 404)
        #expect(missing?.code == .resourceNotFound)

        _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r"))
        try await table.delete(partitionKey: "p", rowKey: "r", ifMatch: .any)
        #expect(try await table.entityIfExists(partitionKey: "p", rowKey: "r") == nil)
    }

    @Test("round-trips every Edm type exactly, edge values included, through insert and get")
    func edmRoundTrip() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let properties: EntityProperties = [
            "Text": .string("plain"),
            "EmptyText": .string(""),
            "Tricky": .string("quote ' double '' \" backslash \\ newline \n tab \t nul-free ✓ 日本語 🎉"),
            "NumericText": .string("123"),
            "Int32Min": .int32(.min),
            "Int32Max": .int32(.max),
            "Int32Zero": .int32(0),
            "Int64Min": .int64(.min),
            "Int64Max": .int64(.max),
            "Int64Small": .int64(5),
            "DoubleWhole": .double(5),
            "DoubleFraction": .double(0.1),
            "DoubleNegativeZero": .double(-0.0),
            "DoubleTiny": .double(.leastNonzeroMagnitude),
            "DoubleHuge": .double(.greatestFiniteMagnitude),
            "DoubleNaN": .double(.nan),
            "DoubleInfinity": .double(.infinity),
            "DoubleMinusInfinity": .double(-.infinity),
            "True": .boolean(true),
            "False": .boolean(false),
            "Earliest": .dateTime(PreciseTimestamp(ticksSinceEpoch: -116_444_736_000_000_000)),
            "Latest": .dateTime(try #require(PreciseTimestamp(iso8601: "9999-12-31T23:59:59.9999999Z"))),
            "OneTick": .dateTime(PreciseTimestamp(ticksSinceEpoch: 16_321_852_523_976_999)),
            "WholeSecond": .dateTime(PreciseTimestamp(ticksSinceEpoch: 1_000_000_000 * 10_000_000)),
            "Guid": .guid("c9da6455-213d-42c9-9a79-3e9149a57833"),
            "BinaryEmpty": .binary([]),
            "Binary": .binary(Array(0...255)),
        ]
        let entity = TableEntity(partitionKey: "types", rowKey: "all", properties: properties)
        let written = try await table.insert(entity, returnContent: true)
        #expect(sameProperties(try #require(written.entity).properties, properties))

        let read = try await table.entity(partitionKey: "types", rowKey: "all")
        #expect(sameProperties(read.entity.properties, properties))
        for (name, value) in read.entity.properties {
            #expect(value.type == properties[name]?.type, "\(name) changed type")
        }
        // And through a query, which decodes the same way.
        var queried: [TableEntity] = []
        for try await entity in table.query() { queried.append(entity) }
        #expect(queried.count == 1)
        #expect(sameProperties(try #require(queried.first).properties, properties))
    }

    @Test("addresses keys with quotes, spaces, percent signs and non-ASCII text exactly")
    func awkwardKeys() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let keys = [
            ("O'Brien", "it's ''quoted''"), ("café", "日本語-ü €"), ("a+b&c=d", "100%"), ("with space", " lead"),
            ("", ""), ("'", "''"),
        ]
        for (index, (partitionKey, rowKey)) in keys.enumerated() {
            let written = try await table.insert(
                TableEntity(partitionKey: partitionKey, rowKey: rowKey, properties: ["Index": .int32(Int32(index))]))
            let read = try await table.entity(partitionKey: partitionKey, rowKey: rowKey)
            #expect(read.entity.partitionKey == partitionKey)
            #expect(read.entity.rowKey == rowKey)
            #expect(read.entity.properties["Index"] == .int32(Int32(index)))
            _ = try await table.update(
                TableEntity(partitionKey: partitionKey, rowKey: rowKey), mode: .merge, ifMatch: .etag(written.etag))
            try await table.delete(partitionKey: partitionKey, rowKey: rowKey, ifMatch: .any)
        }
        var remaining = 0
        for try await _ in table.query() { remaining += 1 }
        #expect(remaining == 0)
    }

    @Test("reads only the selected properties, still with keys and timestamp")
    func selectOnGet() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let written = try await table.insert(
            TableEntity(
                partitionKey: "p", rowKey: "r",
                properties: ["A": .int32(1), "B": .string("b"), "C": .dateTime(PreciseTimestamp(ticksSinceEpoch: 9))]))
        let read = try await table.entity(partitionKey: "p", rowKey: "r", select: ["B", "C", "Missing"])
        #expect(read.entity.partitionKey == "p")
        #expect(read.entity.rowKey == "r")
        #expect(read.entity.timestamp == written.timestamp)
        #expect(read.etag == written.etag)
        #expect(read.entity.properties == ["B": .string("b"), "C": .dateTime(PreciseTimestamp(ticksSinceEpoch: 9))])
    }

    @Test("a table SAS allows exactly what its permissions grant")
    func sharedAccessSignature() async throws {
        let service = try TestTableService()
        let owner = try await service.newTable()
        let name = owner.tableName
        let existing = try await owner.insert(TableEntity(partitionKey: "p", rowKey: "existing"))

        let reader = try service.sasClient(name, permissions: .read)
        #expect(try await reader.entity(partitionKey: "p", rowKey: "existing").etag == existing.etag)
        var count = 0
        for try await _ in reader.query() { count += 1 }
        #expect(count == 1)
        let readerInsert = await storageError {
            _ = try await reader.insert(TableEntity(partitionKey: "p", rowKey: "x"))
        }
        #expect(readerInsert?.status == 403)
        #expect(readerInsert?.code == .authorizationPermissionMismatch)
        let readerDelete = await storageError {
            try await reader.delete(partitionKey: "p", rowKey: "existing", ifMatch: .any)
        }
        #expect(readerDelete?.status == 403)

        let adder = try service.sasClient(name, permissions: [.read, .add])
        let added = try await adder.insert(TableEntity(partitionKey: "p", rowKey: "added"))
        #expect(Self.isRecent(added.serverDate))
        let adderUpdate = await storageError {
            _ = try await adder.update(TableEntity(partitionKey: "p", rowKey: "added"), ifMatch: .any)
        }
        #expect(adderUpdate?.code == .authorizationPermissionMismatch)
        let adderUpsert = await storageError { _ = try await adder.upsert(TableEntity(partitionKey: "p", rowKey: "u")) }
        #expect(adderUpsert?.status == 403)

        let everything = try service.sasClient(name, permissions: .all)
        _ = try await everything.upsert(TableEntity(partitionKey: "p", rowKey: "u"))
        _ = try await everything.update(TableEntity(partitionKey: "p", rowKey: "added"), mode: .merge, ifMatch: .any)
        try await everything.delete(partitionKey: "p", rowKey: "added", ifMatch: .any)
        let results = try await everything.submitTransaction([
            .insert(TableEntity(partitionKey: "p", rowKey: "batch")),
            .delete(partitionKey: "p", rowKey: "u", ifMatch: .any),
        ])
        #expect(results.count == 2)

        // A SAS for one table opens no other.
        let other = try await service.newTable("other")
        let elsewhere = try service.sasClient(name, permissions: .all)
        let wrongTable = TableClient(account: elsewhere.account, tableName: other.tableName)
        let denied = await storageError { _ = try await wrongTable.entityIfExists(partitionKey: "p", rowKey: "r") }
        #expect(denied?.status == 403)
        // Nor can a table SAS create tables.
        let create = await storageError { try await everything.createTable() }
        #expect(create?.status == 403)
    }

    @Test("reads the emulator's explicit development connection string")
    func connectionString() async throws {
        let service = try TestTableService()
        let name = TestTableService.uniqueTableName()
        let table = try TableClient(connectionString: service.connectionString, tableName: name)
        #expect(table.account.name == "devstoreaccount1")
        #expect(table.tableName == name)
        try await table.createTable()
        _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r"))
        #expect(try await table.entityIfExists(partitionKey: "p", rowKey: "r") != nil)

        #expect(throws: StorageConfigurationError.self) {
            _ = try TableClient(
                connectionString:
                    "AccountName=acct;AccountKey=\(TestTableService.developmentKey);QueueEndpoint=http://127.0.0.1:1/acct",
                tableName: name)
        }
    }

    @Test("32 concurrent tasks insert distinct rows through the shared transport")
    func concurrentInserts() async throws {
        let service = try TestTableService()
        let table = try await service.newTable()
        let etags = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let written = try await table.insert(
                        TableEntity(
                            partitionKey: "workers", rowKey: String(format: "row-%02d", index),
                            properties: ["Index": .int32(Int32(index))]))
                    return written.etag
                }
            }
            var etags: [String] = []
            for try await etag in group { etags.append(etag) }
            return etags
        }
        #expect(etags.count == 32)
        var rows: [String] = []
        for try await entity in table.query(filter: .equal("PartitionKey", .string("workers"))) {
            rows.append(entity.rowKey)
        }
        #expect(rows == (0..<32).map { String(format: "row-%02d", $0) })
    }

    @Test("passes a transport failure through unchanged, with no retry")
    func transportFailurePassesThrough() async throws {
        let transport = FailingTransport()
        let table = TableClient(account: .developmentStorage, tableName: "anything", transport: transport)
        do {
            _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r"))
            Issue.record("the insert should have failed")
        } catch let error as TransportError {
            #expect(error.code == .timedOut)
            #expect(error.code.mayHaveReachedServer)
        }
        #expect(transport.calls == 1)
    }

    /// Whether a response date is within a minute of the local clock.
    static func isRecent(_ date: Date?) -> Bool {
        guard let date else { return false }
        return abs(date.timeIntervalSinceNow) < 60
    }
}

/// Fails every request as timed out, counting attempts.
private final class FailingTransport: HTTPTransport {
    private let count = Mutex(0)

    var calls: Int { self.count.withLock { $0 } }

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        self.count.withLock { $0 += 1 }
        throw TransportError(code: .timedOut, message: "simulated timeout")
    }
}
