//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// What only the table lock has: a durable row, several processes, a store that can fail.
@Suite("Table lock", .timeLimit(.minutes(5)))
struct TableLockTests {
    @Test("fences keep increasing across an emulator restart on the same location")
    func fencesSurviveRestart() async throws {
        let location = FileManager.default.temporaryDirectory.appendingPathComponent("baton-lock-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: location) }
        var fences: [Int64] = []
        for _ in 0..<3 {
            let environment = try LockEnvironment(.table, location: location)
            let lock = try environment.makeLock()
            for _ in 0..<3 {
                let lease = try #require(try await lock.tryAcquire(key: "restart", ttl: .seconds(30)))
                fences.append(lease.fencingToken)
                try await lease.release()
            }
            environment.emulator?.shutdown()
        }
        #expect(fences == fences.sorted() && Set(fences).count == fences.count, "\(fences)")
        #expect(fences.first == 1)
    }

    @Test("the row is kept when released, marked free, with its fence")
    func releaseKeepsRow() async throws {
        let environment = try LockEnvironment(.table)
        let lock = try environment.makeLock()
        let lease = try #require(try await lock.tryAcquire(key: "kept", ttl: .seconds(30)))
        try await lease.release()
        let client = TableClient(
            account: try StorageAccount(connectionString: environment.connectionString), tableName: "locks")
        let row = try await client.entity(partitionKey: "locks", rowKey: "kept")
        #expect(row.entity.properties["State"] == .string("free"))
        #expect(row.entity.properties["Fence"] == .int64(lease.fencingToken))
        #expect(row.entity.properties["Owner"] == .string(""))
    }

    @Test("keys with characters the Table service forbids are escaped reversibly")
    func escapedKeys() async throws {
        let environment = try LockEnvironment(.table)
        let lock = try environment.makeLock()
        for key in ["a/b", "a\\b", "100%", "what?", "#tag", "tab\tkey", "ünïcödé", "a%2Fb"] {
            let lease = try #require(try await lock.tryAcquire(key: key, ttl: .seconds(30)), "\(key)")
            #expect(try await lock.tryAcquire(key: key, ttl: .seconds(30)) == nil)
            try await lease.release()
        }
        // "a/b" and "a%2Fb" are different keys.
        let first = try #require(try await lock.tryAcquire(key: "a/b", ttl: .seconds(30)))
        let second = try #require(try await lock.tryAcquire(key: "a%2Fb", ttl: .seconds(30)))
        try await first.release()
        try await second.release()
        await #expect(throws: LockError.self) {
            _ = try await lock.tryAcquire(key: String(repeating: "/", count: 200), ttl: .seconds(1))
        }
    }

    @Test("a write whose answer was lost is resolved by re-reading the owner", arguments: [3, 4, 5])
    func ambiguousWrites(droppedRequest: Int) async throws {
        let environment = try LockEnvironment(.table)
        // The lock's requests: 1 creates the table if missing, 2 reads the row, 3 inserts it
        // (acquire), then comes the renewal and later the release. The answer to the insert (3),
        // the renewal (4) or the release (5, once no re-read came before) is dropped after the
        // emulator applied the write.
        let transport = AnswerDroppingTransport(dropping: droppedRequest)
        var configuration = try TableLock.Configuration(connectionString: environment.connectionString)
        configuration.retryTimeout = .milliseconds(5)
        let lock = TableLock(configuration: configuration, transport: transport)
        let other = try environment.makeLock()
        _ = try await TableClient(
            account: try StorageAccount(connectionString: environment.connectionString), tableName: "locks"
        ).createTableIfNotExists()

        let lease = try await lock.acquire(key: "ambiguous", ttl: .seconds(30), timeout: .seconds(5))
        try await lease.renew()
        #expect(lease.isValid)
        #expect(try await other.tryAcquire(key: "ambiguous", ttl: .seconds(30)) == nil)
        try await lease.release()
        let next = try #require(try await other.tryAcquire(key: "ambiguous", ttl: .seconds(30)))
        #expect(next.fencingToken > lease.fencingToken)
        #expect(transport.dropped)
    }

    @Test("a key this object released is taken again with one conditional write, and the next fence")
    func reacquisitionAfterOwnRelease() async throws {
        let environment = try LockEnvironment(.table)
        let transport = AnswerDroppingTransport(dropping: 0)
        let lock = TableLock(
            configuration: try TableLock.Configuration(connectionString: environment.connectionString),
            transport: transport)

        let first = try #require(try await lock.tryAcquire(key: "again", ttl: .seconds(30)))
        try await first.release()
        let before = transport.requestCount
        let second = try #require(try await lock.tryAcquire(key: "again", ttl: .seconds(30)))
        #expect(transport.requestCount == before + 1, "no read before the conditional write")
        #expect(second.fencingToken == first.fencingToken + 1)
        try await second.release()
        let row = try #require(try await Self.lockRow(key: "again", environment: environment))
        #expect(row.properties["Fence"] == .int64(second.fencingToken))
        #expect(row.properties["State"] == .string("free"))
    }

    @Test("a row changed since this object released it is read again: held means no, free means the next fence")
    func reacquisitionAfterSomeoneElse() async throws {
        let environment = try LockEnvironment(.table)
        let lock = try environment.makeLock()
        let other = try environment.makeLock()

        // Each released row is remembered by its releaser; the other's writes make it stale.
        let first = try #require(try await lock.tryAcquire(key: "shared", ttl: .seconds(30)))
        try await first.release()
        let taken = try #require(try await other.tryAcquire(key: "shared", ttl: .seconds(30)))
        #expect(taken.fencingToken == first.fencingToken + 1)
        try await taken.release()
        let mine = try #require(try await lock.tryAcquire(key: "shared", ttl: .seconds(30)))
        #expect(mine.fencingToken == taken.fencingToken + 1)
        try await mine.release()
        let retaken = try #require(try await other.tryAcquire(key: "shared", ttl: .seconds(30)))
        #expect(retaken.fencingToken == mine.fencingToken + 1)
        #expect(try await lock.tryAcquire(key: "shared", ttl: .seconds(30)) == nil)
        try await retaken.release()
    }

    @Test("a deleted table is recreated when a released row is taken again")
    func reacquisitionAfterTableDeleted() async throws {
        let environment = try LockEnvironment(.table)
        let lock = try environment.makeLock()
        let first = try #require(try await lock.tryAcquire(key: "gone", ttl: .seconds(30)))
        try await first.release()
        try await TableClient(
            account: try StorageAccount(connectionString: environment.connectionString), tableName: "locks"
        ).deleteTable()
        let again = try #require(try await lock.tryAcquire(key: "gone", ttl: .seconds(30)))
        #expect(again.fencingToken == 1)
        try await again.release()
    }

    @Test("a lost answer to the write that retakes a released row is resolved by re-reading the owner")
    func ambiguousReacquisition() async throws {
        let environment = try LockEnvironment(.table)
        // 1 creates the table, 2 reads the row, 3 inserts it, 4 releases it, 5 retakes it
        // without a read: its answer is dropped after the emulator applied it.
        let transport = AnswerDroppingTransport(dropping: 5)
        let lock = TableLock(
            configuration: try TableLock.Configuration(connectionString: environment.connectionString),
            transport: transport)
        let first = try #require(try await lock.tryAcquire(key: "lost", ttl: .seconds(30)))
        try await first.release()
        let again = try #require(try await lock.tryAcquire(key: "lost", ttl: .seconds(30)))
        #expect(transport.dropped)
        #expect(again.fencingToken == first.fencingToken + 1)
        try await again.release()
        let other = try environment.makeLock()
        let next = try #require(try await other.tryAcquire(key: "lost", ttl: .seconds(30)))
        #expect(next.fencingToken == again.fencingToken + 1)
    }

    /// The lock row for `key` in the default scope, read directly.
    private static func lockRow(key: String, environment: LockEnvironment) async throws -> TableEntity? {
        let client = TableClient(
            account: try StorageAccount(connectionString: environment.connectionString), tableName: "locks")
        return try await client.entityIfExists(partitionKey: "locks", rowKey: key)?.entity
    }

    @Test("4 processes contend for one key: holdings never overlap, fences grow with time")
    func multipleProcesses() async throws {
        let environment = try LockEnvironment(.table)
        let executable = try #require(Self.contenderExecutable(), "lock-contender was not built")
        var processes: [(Process, Pipe)] = []
        for _ in 0..<4 {
            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "--connection-string", environment.connectionString, "--key", "shared", "--cycles", "15",
                "--hold-ms", "5",
            ]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            processes.append((process, output))
        }
        var holdings: [(fence: Int64, start: UInt64, end: UInt64)] = []
        for (process, output) in processes {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                guard fields.count == 4, fields[0] == "HELD", let fence = Int64(fields[1]),
                    let start = UInt64(fields[2]),
                    let end = UInt64(fields[3])
                else { continue }
                holdings.append((fence, start, end))
            }
        }
        #expect(holdings.count == 60)
        let ordered = holdings.sorted { $0.fence < $1.fence }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) {
            #expect(earlier.fence < later.fence)
            #expect(earlier.end <= later.start, "holding \(later.fence) began before \(earlier.fence) ended")
        }
    }

    /// The lock-contender executable next to the test bundle.
    private static func contenderExecutable() -> URL? {
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("lock-contender")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}

/// Sends every request, but for the `dropping`-th one throws a lost-connection error after the
/// server has answered: the write happened, the client does not know.
final class AnswerDroppingTransport: HTTPTransport {
    private let inner = CurlTransport()
    private let target: Int
    private let count = Mutex(0)
    private let droppedFlag = Mutex(false)

    init(dropping request: Int) {
        self.target = request
    }

    var dropped: Bool { self.droppedFlag.withLock { $0 } }

    /// The requests sent so far.
    var requestCount: Int { self.count.withLock { $0 } }

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let response = try await self.inner.execute(request)
        let index = self.count.withLock { count -> Int in
            count += 1
            return count
        }
        if index == self.target {
            self.droppedFlag.withLock { $0 = true }
            throw TransportError(code: .connectionLost, message: "answer dropped by the test")
        }
        return response
    }
}

/// Overwrites the lock row as a process that saw the lease expire would: a new owner, the
/// next fence, with `If-Match: *`.
enum TableLockTakeover {
    static func takeOver(key: String, connectionString: String) async throws {
        let client = TableClient(account: try StorageAccount(connectionString: connectionString), tableName: "locks")
        let row = try await client.entity(partitionKey: "locks", rowKey: key)
        var entity = row.entity
        let fence: Int64 = if case .int64(let value)? = entity.properties["Fence"] { value } else { 0 }
        entity.properties["Owner"] = .string("thief")
        entity.properties["Fence"] = .int64(fence + 1)
        entity.properties["State"] = .string("held")
        entity.properties["TtlMilliseconds"] = .int64(3_600_000)
        _ = try await client.update(entity, mode: .replace, ifMatch: .any)
    }
}
