//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Emulator
import Foundation
import StorageCore
import Synchronization
import Testing

@Suite("TableStore", .timeLimit(.minutes(2)))
struct TableStoreTests {
    static let account = "devstoreaccount1"

    /// An error a transaction body throws to abandon its work.
    struct Abandon: Error {}

    /// Inserts an entity and returns its timestamp, failing the test on any other outcome.
    @discardableResult
    static func insert(
        _ store: TableStore, table: String, _ partitionKey: String, _ rowKey: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> PreciseTimestamp {
        let outcome = try store.insert(
            account: Self.account, table: table, partitionKey: partitionKey, rowKey: rowKey,
            properties: propertyBytes("\(partitionKey)/\(rowKey)"))
        guard case .inserted(let timestamp) = outcome else {
            Issue.record("insert of \(partitionKey)/\(rowKey) gave \(outcome)", sourceLocation: sourceLocation)
            return PreciseTimestamp(ticksSinceEpoch: 0)
        }
        return timestamp
    }

    /// Every page of a query, following continuations; also checks that pages keep key order.
    static func allPages(
        _ store: TableStore, table: String, partitionKeyRange: KeyRange = .unbounded,
        rowKeyRange: KeyRange = .unbounded, limit: Int, scanBudget: Int = 10_000,
        matching: (StoredEntity) -> Bool = { _ in true }
    ) throws -> (entities: [StoredEntity], pages: Int) {
        var entities: [StoredEntity] = []
        var after: EntityKey?
        var pages = 0
        repeat {
            let page = try store.queryEntities(
                account: Self.account, table: table, partitionKeyRange: partitionKeyRange, rowKeyRange: rowKeyRange,
                after: after, limit: limit, scanBudget: scanBudget, matching: matching)
            pages += 1
            #expect(page.entities.count <= limit)
            if let continuation = page.continuation, let last = page.entities.last {
                #expect(last.key <= continuation)
            }
            entities += page.entities
            guard Self.advances(from: after, to: page.continuation) else {
                break
            }
            after = page.continuation
        } while after != nil
        return (entities, pages)
    }

    /// Whether a continuation moved forward, recording an issue if not (so that a paging bug
    /// fails the test instead of looping forever).
    static func advances(
        from previous: EntityKey?, to next: EntityKey?, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        guard let previous, let next else {
            return true
        }
        if previous < next {
            return true
        }
        Issue.record("the continuation went from \(previous) to \(next)", sourceLocation: sourceLocation)
        return false
    }

    // MARK: Tables

    @Test(
        "table names are case-insensitive but keep the spelling they were created with", arguments: StoreKind.allCases)
    func tableNames(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store

        #expect(try store.createTable(account: Self.account, name: "MyTable") == .created)
        #expect(
            try store.createTable(account: Self.account, name: "mytable") == .alreadyExists(existingName: "MyTable"))
        #expect(try store.tableExists(account: Self.account, name: "MYTABLE") == "MyTable")
        #expect(try store.tableExists(account: Self.account, name: "Other") == nil)
        // Accounts are separate namespaces.
        #expect(try store.tableExists(account: "another", name: "MyTable") == nil)
        #expect(try store.createTable(account: "another", name: "mytable") == .created)

        #expect(try store.deleteTable(account: Self.account, name: "myTABLE") == .deleted)
        #expect(try store.deleteTable(account: Self.account, name: "MyTable") == .notFound)
        #expect(try store.tableExists(account: Self.account, name: "MyTable") == nil)
        #expect(try store.tableExists(account: "another", name: "MYTABLE") == "mytable")
    }

    @Test("tables list in lowercase order, page by page, with a filter", arguments: StoreKind.allCases)
    func listTables(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        for name in ["delta", "Alpha", "charlie", "Bravo", "echo"] {
            _ = try store.createTable(account: Self.account, name: name)
        }
        _ = try store.createTable(account: "another", name: "aardvark")

        let first = try store.listTables(account: Self.account, after: nil, limit: 2)
        #expect(first == TableStore.TablePage(names: ["Alpha", "Bravo"], next: "Bravo"))
        let second = try store.listTables(account: Self.account, after: "BRAVO", limit: 2)
        #expect(second == TableStore.TablePage(names: ["charlie", "delta"], next: "delta"))
        let last = try store.listTables(account: Self.account, after: "delta", limit: 2)
        #expect(last == TableStore.TablePage(names: ["echo"], next: nil))
        // Exactly a page's worth left: no next page is promised.
        #expect(try store.listTables(account: Self.account, after: "charlie", limit: 2).next == nil)

        let filtered = try store.listTables(account: Self.account, after: nil, limit: 1) { $0.contains("e") }
        #expect(filtered == TableStore.TablePage(names: ["charlie"], next: "charlie"))
        let filteredRest = try store.listTables(account: Self.account, after: "charlie", limit: 5) { $0.contains("e") }
        #expect(filteredRest == TableStore.TablePage(names: ["delta", "echo"], next: nil))
    }

    @Test("a table's access policy is stored as given and replaced", arguments: StoreKind.allCases)
    func accessPolicy(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Policies")

        #expect(try store.tableACL(account: Self.account, name: "policies") == nil)
        #expect(
            try store.setTableACL(account: Self.account, name: "POLICIES", signedIdentifiers: [1, 2, 3]) == .updated)
        #expect(try store.tableACL(account: Self.account, name: "Policies") == [1, 2, 3])
        #expect(try store.setTableACL(account: Self.account, name: "Policies", signedIdentifiers: []) == .updated)
        #expect(try store.tableACL(account: Self.account, name: "Policies") == [])
        #expect(try store.setTableACL(account: Self.account, name: "Missing", signedIdentifiers: [1]) == .tableNotFound)
    }

    @Test("deleting a table deletes its entities and access policy", arguments: StoreKind.allCases)
    func deleteTableCascades(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Doomed")
        _ = try store.createTable(account: Self.account, name: "Kept")
        for index in 0..<20 {
            try Self.insert(store, table: "Doomed", "p\(index % 3)", "r\(index)")
        }
        try Self.insert(store, table: "Kept", "p", "r")
        _ = try store.setTableACL(account: Self.account, name: "Doomed", signedIdentifiers: [9])

        #expect(try store.deleteTable(account: Self.account, name: "DOOMED") == .deleted)
        #expect(try store.createTable(account: Self.account, name: "doomed") == .created)
        #expect(try Self.allPages(store, table: "doomed", limit: 1000).entities.isEmpty)
        #expect(try store.tableACL(account: Self.account, name: "doomed") == nil)
        #expect(try store.entity(account: Self.account, table: "Kept", partitionKey: "p", rowKey: "r") != nil)
    }

    // MARK: Entities

    @Test("entities can be inserted, read, replaced and deleted", arguments: StoreKind.allCases)
    func entityLifecycle(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "People")

        let inserted = try store.insert(
            account: Self.account, table: "people", partitionKey: "smith", rowKey: "john", properties: [1, 2])
        guard case .inserted(let firstTimestamp) = inserted else {
            Issue.record("insert gave \(inserted)")
            return
        }
        #expect(
            try store.insert(
                account: Self.account, table: "People", partitionKey: "smith", rowKey: "john", properties: [3])
                == .alreadyExists)
        let read = try store.entity(account: Self.account, table: "PEOPLE", partitionKey: "smith", rowKey: "john")
        #expect(
            read == StoredEntity(partitionKey: "smith", rowKey: "john", timestamp: firstTimestamp, properties: [1, 2]))

        let written = try store.write(
            account: Self.account, table: "People", partitionKey: "smith", rowKey: "john", properties: [])
        guard case .written(let secondTimestamp) = written else {
            Issue.record("write gave \(written)")
            return
        }
        #expect(secondTimestamp > firstTimestamp)
        let reread = try store.entity(account: Self.account, table: "People", partitionKey: "smith", rowKey: "john")
        #expect(reread?.properties == [])
        #expect(reread?.timestamp == secondTimestamp)

        #expect(
            try store.delete(account: Self.account, table: "People", partitionKey: "smith", rowKey: "john") == .deleted)
        #expect(
            try store.delete(account: Self.account, table: "People", partitionKey: "smith", rowKey: "john") == .notFound
        )
        #expect(try store.entity(account: Self.account, table: "People", partitionKey: "smith", rowKey: "john") == nil)
    }

    @Test("keys are compared exactly, byte for byte", arguments: StoreKind.allCases)
    func exactKeys(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Keys")
        // Case differs, and precomposed versus decomposed "é" (equal as Swift Strings).
        let keys = ["a", "A", "\u{E9}", "e\u{301}", "", "a'b", "with space"]
        for key in keys {
            try Self.insert(store, table: "Keys", key, key)
        }
        for key in keys {
            let entity = try store.entity(account: Self.account, table: "Keys", partitionKey: key, rowKey: key)
            #expect(entity?.properties == propertyBytes("\(key)/\(key)"))
            #expect(entity.map { Array($0.partitionKey.utf8) } == Array(key.utf8))
        }
        let listed = try Self.allPages(store, table: "Keys", limit: 2).entities.map { Array($0.partitionKey.utf8) }
        #expect(listed == keys.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test("writes to a missing table report it and store nothing", arguments: StoreKind.allCases)
    func missingTable(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        #expect(
            try store.insert(account: Self.account, table: "None", partitionKey: "p", rowKey: "r", properties: [])
                == .tableNotFound)
        #expect(
            try store.write(account: Self.account, table: "None", partitionKey: "p", rowKey: "r", properties: [])
                == .tableNotFound)
        #expect(
            try store.delete(account: Self.account, table: "None", partitionKey: "p", rowKey: "r") == .tableNotFound)
        #expect(try store.entity(account: Self.account, table: "None", partitionKey: "p", rowKey: "r") == nil)
    }

    // MARK: Transactions

    @Test("a transaction that throws leaves nothing behind", arguments: StoreKind.allCases)
    func transactionRollback(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Batch")
        try Self.insert(store, table: "Batch", "p", "existing")

        var issuedInside: PreciseTimestamp?
        #expect(throws: Abandon.self) {
            try store.transaction { transaction in
                for index in 0..<50 {
                    _ = try transaction.insert(
                        account: Self.account, table: "Batch", partitionKey: "p", rowKey: "new\(index)", properties: [])
                }
                _ = try transaction.delete(account: Self.account, table: "Batch", partitionKey: "p", rowKey: "existing")
                // The transaction sees its own writes.
                #expect(
                    try transaction.entity(account: Self.account, table: "Batch", partitionKey: "p", rowKey: "new7")
                        != nil)
                #expect(
                    try transaction.entity(account: Self.account, table: "Batch", partitionKey: "p", rowKey: "existing")
                        == nil)
                issuedInside = transaction.nextTimestamp()
                throw Abandon()
            }
        }
        let remaining = try Self.allPages(store, table: "Batch", limit: 1000).entities.map(\.rowKey)
        #expect(remaining == ["existing"])
        // The clock never goes back, even past a rollback.
        let after = try Self.insert(store, table: "Batch", "p", "later")
        #expect(after > (issuedInside ?? after))
    }

    @Test("a batch of 100 operations commits as one transaction", arguments: StoreKind.allCases)
    func batchCommits(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Batch")

        let timestamps = try store.transaction { transaction in
            var timestamps: [PreciseTimestamp] = []
            for index in 0..<100 {
                let outcome = try transaction.write(
                    account: Self.account, table: "Batch", partitionKey: "p", rowKey: String(format: "r%03d", index),
                    properties: [UInt8(index)])
                if case .written(let timestamp) = outcome {
                    timestamps.append(timestamp)
                }
            }
            return timestamps
        }
        #expect(timestamps.count == 100)
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 })
        let stored = try Self.allPages(store, table: "Batch", limit: 1000).entities
        #expect(stored.map(\.timestamp) == timestamps)
        #expect(stored.map(\.properties) == (0..<100).map { [UInt8($0)] })
    }

    @Test("reads on disk do not wait for an open write transaction and see only committed data")
    func readsDuringWrite() throws {
        let fixture = try StoreFixture(.disk)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Concurrent")
        try Self.insert(store, table: "Concurrent", "p", "committed")

        let seen = Mutex<[String]?>(nil)
        try store.transaction { transaction in
            _ = try transaction.insert(
                account: Self.account, table: "Concurrent", partitionKey: "p", rowKey: "uncommitted", properties: [])
            let done = DispatchSemaphore(value: 0)
            let reader = Thread {
                let page = try? store.queryEntities(
                    account: Self.account, table: "Concurrent", after: nil, limit: 10, scanBudget: 10
                ) { _ in true }
                seen.withLock { $0 = page?.entities.map(\.rowKey) }
                done.signal()
            }
            reader.start()
            // If reads queued behind the writer, this would time out while the writer waits.
            #expect(done.wait(timeout: .now() + 10) == .success)
        }
        #expect(seen.withLock { $0 } == ["committed"])
    }

    // MARK: Timestamps

    @Test("timestamps strictly increase across 10 000 writes from 4 threads and across reopening")
    func timestampsIncrease() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var store = try TableStore(location: .directory(directory.url))
        _ = try store.createTable(account: Self.account, name: "Clock")

        let threadCount = 4
        let writesPerThread = 2_500
        let results = Mutex<[[PreciseTimestamp]]>([])
        let finished = DispatchGroup()
        for thread in 0..<threadCount {
            finished.enter()
            let writer = store
            Thread {
                var timestamps: [PreciseTimestamp] = []
                timestamps.reserveCapacity(writesPerThread)
                for index in 0..<writesPerThread {
                    // Same key over and over: each write replaces the last, which is what ETags track.
                    let outcome = try? writer.write(
                        account: Self.account, table: "Clock", partitionKey: "thread\(thread)", rowKey: "row",
                        properties: propertyBytes("\(index)"))
                    if case .written(let timestamp) = outcome {
                        timestamps.append(timestamp)
                    }
                }
                results.withLock { $0.append(timestamps) }
                finished.leave()
            }.start()
        }
        #expect(finished.wait(timeout: .now() + 100) == .success)

        let perThread = results.withLock { $0 }
        #expect(perThread.map(\.count) == Array(repeating: writesPerThread, count: threadCount))
        for timestamps in perThread {
            #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 })
        }
        let all = perThread.flatMap { $0 }
        #expect(Set(all).count == threadCount * writesPerThread, "two writes shared a timestamp")
        let latest = try #require(all.max())
        // The stored entities carry the timestamps their writes returned.
        let stored = try Self.allPages(store, table: "Clock", limit: 1000).entities.map(\.timestamp)
        #expect(stored.sorted() == perThread.compactMap(\.last).sorted())

        store.close()
        store = try TableStore(location: .directory(directory.url))
        defer { store.close() }
        #expect(try store.nextTimestamp() > latest)
    }

    @Test("timestamps still increase when the wall clock stands still or goes back")
    func timestampsWithStuckClock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let now = PreciseTimestamp.now()
        // First frozen, as if every write fell into the same 100 ns; then an hour back.
        let frozen = try TableStore(location: .directory(directory.url), wallClock: { now })
        _ = try frozen.createTable(account: Self.account, name: "Stuck")
        var timestamps = try frozen.transaction { transaction in
            (0..<1_000).map { _ in transaction.nextTimestamp() }
        }
        for index in 0..<100 {
            timestamps.append(try Self.insert(frozen, table: "Stuck", "p", "\(index)"))
        }
        frozen.close()
        let earlier = PreciseTimestamp(ticksSinceEpoch: now.ticksSinceEpoch - 3_600 * PreciseTimestamp.ticksPerSecond)
        let backward = try TableStore(location: .directory(directory.url), wallClock: { earlier })
        defer { backward.close() }
        timestamps.append(try Self.insert(backward, table: "Stuck", "p", "after reopening"))

        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 })
        #expect(timestamps.first! >= now)
    }

    @Test("two stores sharing a file never issue the same timestamp")
    func sharedClock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Both wall clocks frozen at the same instant: only the stored clock keeps them apart.
        let now = PreciseTimestamp.now()
        let first = try TableStore(location: .directory(directory.url), wallClock: { now })
        let second = try TableStore(location: .directory(directory.url), wallClock: { now })
        defer {
            first.close()
            second.close()
        }
        _ = try first.createTable(account: Self.account, name: "Shared")
        var timestamps: [PreciseTimestamp] = []
        for index in 0..<50 {
            timestamps.append(
                try Self.insert(index.isMultiple(of: 2) ? first : second, table: "Shared", "p", "\(index)"))
        }
        #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test("after reopening, timestamps continue after a stored clock that is ahead of the wall clock")
    func clockAheadOfWallClock() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try TableStore(location: .directory(directory.url))
        _ = try store.nextTimestamp()
        store.close()

        // Year 2900 or so: as if the clock had once run far ahead.
        let future = PreciseTimestamp(ticksSinceEpoch: 300_000_000_000_000_000)
        let database = try SQLiteDatabase(
            configuration: .init(location: .file(path: directory.path(TableStore.databaseFileName))))
        #expect(try database.execute("UPDATE clock SET last_tick = ?", [.integer(future.ticksSinceEpoch)]) == 1)
        database.close()

        let reopened = try TableStore(location: .directory(directory.url))
        defer { reopened.close() }
        _ = try reopened.createTable(account: Self.account, name: "Future")
        let written = try Self.insert(reopened, table: "Future", "p", "r")
        #expect(written > future)
        #expect(try reopened.nextTimestamp() > written)
    }

    // MARK: Queries

    @Test("paging returns every entity exactly once while entities come and go between pages")
    func pagingUnderChurn() throws {
        let fixture = try StoreFixture(.disk)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Churn")
        var generator = SeededGenerator(seed: 20_240_601)
        func randomKey() -> EntityKey {
            EntityKey(
                partitionKey: "p\(Int.random(in: 0..<15, using: &generator))",
                rowKey: "r\(Int.random(in: 0..<1_000, using: &generator))")
        }

        var present = Set<EntityKey>()
        while present.count < 400 {
            let key = randomKey()
            if present.insert(key).inserted {
                try Self.insert(store, table: "Churn", key.partitionKey, key.rowKey)
            }
        }
        let initial = present
        var deleted = Set<EntityKey>()
        var insertedAhead = Set<EntityKey>()  // inserted after the cursor at the time: must be seen
        var seen: [EntityKey] = []
        var after: EntityKey?
        repeat {
            let page = try store.queryEntities(
                account: Self.account, table: "Churn", after: after, limit: 17, scanBudget: 40
            ) { _ in true }
            for entity in page.entities {
                #expect(present.contains(entity.key), "\(entity.key) was returned but is not stored")
            }
            seen += page.entities.map(\.key)
            guard Self.advances(from: after, to: page.continuation) else {
                break
            }
            after = page.continuation
            // Churn between pages: delete some stored entities and insert some new ones.
            for _ in 0..<6 {
                if let victim = present.randomElement(using: &generator) {
                    #expect(
                        try store.delete(
                            account: Self.account, table: "Churn", partitionKey: victim.partitionKey,
                            rowKey: victim.rowKey) == .deleted)
                    present.remove(victim)
                    deleted.insert(victim)
                    insertedAhead.remove(victim)
                }
                let key = randomKey()
                if !present.contains(key) {
                    try Self.insert(store, table: "Churn", key.partitionKey, key.rowKey)
                    present.insert(key)
                    if let cursor = after, cursor < key {
                        insertedAhead.insert(key)
                    }
                }
            }
        } while after != nil

        #expect(seen == seen.sorted(), "pages went backwards")
        #expect(Set(seen).count == seen.count, "an entity appeared twice")
        let survivors = initial.subtracting(deleted)
        #expect(survivors.subtracting(seen).isEmpty, "entities present throughout were skipped")
        #expect(insertedAhead.subtracting(seen).isEmpty, "entities inserted ahead of the cursor were skipped")
    }

    @Test("key ranges select exactly the entities within them, across pages", arguments: StoreKind.allCases)
    func keyRanges(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Ranges")
        var all: [EntityKey] = []
        for partition in ["a", "b", "c", "d", "e"] {
            for row in ["1", "2", "3", "4", "5"] {
                try Self.insert(store, table: "Ranges", partition, row)
                all.append(EntityKey(partitionKey: partition, rowKey: row))
            }
        }
        // Entities of another table and account must never leak in.
        _ = try store.createTable(account: Self.account, name: "Other")
        try Self.insert(store, table: "Other", "c", "3")

        let bounds: [KeyBound?] = [
            nil, .init("b", inclusive: true), .init("b", inclusive: false), .init("d", inclusive: true),
            .init("d", inclusive: false), .init("2", inclusive: true), .init("4", inclusive: false),
            .init("", inclusive: true), .init("zz", inclusive: false),
        ]
        var ranges: [KeyRange] = [.exactly("c"), .exactly("zz"), .exactly("3")]
        for lower in bounds {
            for upper in bounds {
                ranges.append(KeyRange(lower: lower, upper: upper))
            }
        }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<150 {
            let partitionKeyRange = ranges.randomElement(using: &generator)!
            let rowKeyRange = ranges.randomElement(using: &generator)!
            let limit = Int.random(in: 1...4, using: &generator)
            let expected = all.filter { partitionKeyRange.contains($0.partitionKey) && rowKeyRange.contains($0.rowKey) }
            let found = try Self.allPages(
                store, table: "Ranges", partitionKeyRange: partitionKeyRange, rowKeyRange: rowKeyRange, limit: limit,
                scanBudget: Int.random(in: 1...6, using: &generator)
            ).entities.map(\.key)
            #expect(found == expected, "partition keys \(partitionKeyRange), row keys \(rowKeyRange), limit \(limit)")
        }

        // A continuation outside the partition range: before it is ignored, beyond it ends the scan.
        let beyond = try store.queryEntities(
            account: Self.account, table: "Ranges", partitionKeyRange: .exactly("b"),
            after: EntityKey(partitionKey: "c", rowKey: ""), limit: 10, scanBudget: 10
        ) { _ in true }
        #expect(beyond == TableStore.EntityPage(entities: [], continuation: nil))
        let before = try store.queryEntities(
            account: Self.account, table: "Ranges", partitionKeyRange: KeyRange(lower: .init("d", inclusive: true)),
            after: EntityKey(partitionKey: "a", rowKey: "9"), limit: 2, scanBudget: 10
        ) { _ in true }
        #expect(before.entities.map(\.key) == [all[15], all[16]])
    }

    @Test("a scan budget ends pages early, possibly empty, with a continuation", arguments: StoreKind.allCases)
    func scanBudget(kind: StoreKind) throws {
        let fixture = try StoreFixture(kind)
        defer { fixture.tearDown() }
        let store = fixture.store
        _ = try store.createTable(account: Self.account, name: "Sparse")
        for index in 0..<100 {
            try Self.insert(store, table: "Sparse", "p", String(format: "%03d", index))
        }
        let wanted: Set<String> = ["042", "099"]

        var pages: [TableStore.EntityPage] = []
        var after: EntityKey?
        repeat {
            let page = try store.queryEntities(
                account: Self.account, table: "Sparse", after: after, limit: 1000, scanBudget: 10
            ) { wanted.contains($0.rowKey) }
            pages.append(page)
            guard Self.advances(from: after, to: page.continuation) else {
                break
            }
            after = page.continuation
        } while after != nil

        #expect(pages.count == 10)
        #expect(pages.flatMap(\.entities).map(\.rowKey) == ["042", "099"])
        #expect(pages.filter(\.entities.isEmpty).count == 8, "pages without a match still continue")
        #expect(pages[0].continuation == EntityKey(partitionKey: "p", rowKey: "009"))
        #expect(pages.last?.continuation == nil, "the last page knows it is the last")

        // The limit also ends a page, and then the continuation is the last entity returned.
        let limited = try store.queryEntities(
            account: Self.account, table: "Sparse", after: nil, limit: 3, scanBudget: 1000
        ) { _ in true }
        #expect(limited.entities.map(\.rowKey) == ["000", "001", "002"])
        #expect(limited.continuation == EntityKey(partitionKey: "p", rowKey: "002"))
    }

    @Test("point reads and scans search the primary key instead of scanning the table")
    func queryPlans() throws {
        let fixture = try StoreFixture(.disk)
        defer { fixture.tearDown() }
        let store = fixture.store

        #expect(
            try store.queryPlanForPointRead() == [
                "SEARCH entities USING PRIMARY KEY (account=? AND table_key=? AND partition_key=? AND row_key=?)"
            ])

        let after = EntityKey(partitionKey: "m", rowKey: "n")
        let cases: [(KeyRange, KeyRange, EntityKey?, String)] = [
            (.unbounded, .unbounded, nil, "(account=? AND table_key=?)"),
            (.unbounded, .unbounded, after, "(account=? AND table_key=? AND (partition_key,row_key)>(?,?))"),
            (
                KeyRange(lower: .init("a", inclusive: true), upper: .init("x", inclusive: false)), .unbounded,
                after,
                "(account=? AND table_key=? AND (partition_key,row_key)>(?,?) AND partition_key<?)"
            ),
            (
                .exactly("m"), KeyRange(upper: .init("z", inclusive: true)), after,
                "(account=? AND table_key=? AND partition_key=? AND row_key>? AND row_key<?)"
            ),
            (
                KeyRange(lower: .init("p", inclusive: true)), .unbounded, after,
                "(account=? AND table_key=? AND partition_key>?)"
            ),
        ]
        for (partitionKeyRange, rowKeyRange, after, constraints) in cases {
            let plan = try store.queryPlanForEntityScan(
                account: Self.account, table: "t", partitionKeyRange: partitionKeyRange, rowKeyRange: rowKeyRange,
                after: after)
            // One step, a search of the primary key, and no "USE TEMP B-TREE FOR ORDER BY".
            #expect(plan == ["SEARCH entities USING PRIMARY KEY " + constraints])
        }
    }

    // MARK: Persistence

    @Test("everything survives closing and reopening the store")
    func persistence() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var timestamp = PreciseTimestamp(ticksSinceEpoch: 0)
        do {
            let store = try TableStore(location: .directory(directory.url))
            _ = try store.createTable(account: Self.account, name: "Durable")
            _ = try store.setTableACL(account: Self.account, name: "Durable", signedIdentifiers: [4, 2])
            timestamp = try Self.insert(store, table: "Durable", "p", "r")
            store.close()
            #expect(throws: SQLiteError.self) { try store.tableExists(account: Self.account, name: "Durable") }
        }
        #expect(FileManager.default.fileExists(atPath: directory.path(TableStore.databaseFileName)))

        let reopened = try TableStore(location: .directory(directory.url))
        defer { reopened.close() }
        #expect(try reopened.tableExists(account: Self.account, name: "durable") == "Durable")
        #expect(try reopened.tableACL(account: Self.account, name: "Durable") == [4, 2])
        let entity = try reopened.entity(account: Self.account, table: "Durable", partitionKey: "p", rowKey: "r")
        #expect(
            entity
                == StoredEntity(partitionKey: "p", rowKey: "r", timestamp: timestamp, properties: propertyBytes("p/r")))
    }

    @Test("a store's directory is created when missing")
    func createsDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let nested = directory.url.appendingPathComponent("a/b/c")
        let store = try TableStore(location: .directory(nested))
        store.close()
        #expect(FileManager.default.fileExists(atPath: nested.appendingPathComponent(TableStore.databaseFileName).path))
    }
}
