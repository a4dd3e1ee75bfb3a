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

/// The lock and the queue adapter against an emulator that drops answers after applying
/// writes, refuses requests with 503 and 500, and delays them.
@Suite("Fault tolerance", .timeLimit(.minutes(3)))
struct FaultToleranceTests {
    private static let key =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

    @Test("table lock under dropped answers, 503s and 500s: never two holders, fences strictly increasing")
    func lockUnderFaults() async throws {
        let emulator = try Self.emulator(table: true, queue: false)
        defer { emulator.shutdown() }
        let table = try #require(emulator.endpoints.first { $0.service == "Table" })
        var configuration = try TableLock.Configuration(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(Self.key);"
                + "TableEndpoint=\(table.url.absoluteString)")
        configuration.retryTimeout = .milliseconds(5)
        configuration.expiryMargin = .milliseconds(100)
        let lockConfiguration = configuration
        emulator.faultInjector.setSpec(try FaultSpec(parsing: "drop=0.1,busy=0.1,internal=0.05,latency=0.1:5ms"))

        let resource = FencedResource()
        let contenders = 6
        let cycles = 25
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<contenders {
                let lock = TableLock(configuration: lockConfiguration)
                group.addTask {
                    var done = 0
                    while done < cycles {
                        let lease: LockLease
                        do {
                            lease = try await lock.acquire(key: "faulty", ttl: .seconds(3), timeout: .seconds(60))
                        } catch {
                            // A store failure that outlasted the client's retries: try again.
                            continue
                        }
                        // A lease whose acquisition was resolved slowly may already be over;
                        // using it would be the holder's bug, not the lock's.
                        if lease.isValid {
                            resource.enter(fence: lease.fencingToken)
                            await Task.yield()
                            resource.leave(fence: lease.fencingToken)
                            done += 1
                        }
                        // A release that fails leaves the row to expire after its TTL.
                        try? await lease.release()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(resource.violations.isEmpty, "\(resource.violations.prefix(5))")
        #expect(resource.entries == contenders * cycles)
        let counters = emulator.faultInjector.counters
        #expect(counters.drop > 0 && counters.busy > 0 && counters.internalError > 0, "\(counters)")
    }

    @Test("queue listener under faults: every message handled at least once, and the queue drains")
    func listenerUnderFaults() async throws {
        let emulator = try Self.emulator(table: false, queue: true)
        defer { emulator.shutdown() }
        let endpoint = try #require(emulator.endpoints.first { $0.service == "Queue" })
        let account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=\(Self.key);"
                + "QueueEndpoint=\(endpoint.url.absoluteString)")
        let configuration = MessageQueueConfiguration(
            lockTimeout: .seconds(2), maxDequeueCount: 100, minimumPollInterval: .milliseconds(20),
            maximumPollInterval: .milliseconds(200))
        let producer = StorageMessageQueue(
            client: QueueClient(account: account, queueName: "faulty"), configuration: configuration)
        try await producer.open()
        emulator.faultInjector.setSpec(try FaultSpec(parsing: "drop=0.1,busy=0.1,internal=0.05,latency=0.1:5ms"))
        let texts = (1...40).map { "message-\($0)" }
        for text in texts {
            // A put whose answer was lost is sent again: a duplicate is acceptable, a loss is not.
            try await StorageRetryPolicy.standard.repeatingLostAnswers {
                try await producer.send(MessageEnvelope(text: text))
            }
        }

        let handled = Mutex<[String: Int]>([:])
        let runners = (0..<2).map { _ in
            QueueListenerRunner(
                queue: StorageMessageQueue(
                    client: QueueClient(account: account, queueName: "faulty"), configuration: configuration),
                waitTimeout: .milliseconds(300), concurrency: 2
            ) { message in
                handled.withLock { $0[message.text, default: 0] += 1 }
            }
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let seen = handled.withLock { Set($0.keys) }
            let left = try? await producer.readMessageCount()
            if seen.isSuperset(of: texts) && left == 0 { break }
        }
        for runner in runners { runner.stop() }
        for task in tasks { await task.value }
        emulator.faultInjector.setSpec(FaultSpec())

        let counts = handled.withLock { $0 }
        #expect(texts.filter { counts[$0] == nil }.isEmpty, "never handled: \(texts.filter { counts[$0] == nil })")
        #expect(try await producer.readMessageCount() == 0, "every message was completed in the end")
        let counters = emulator.faultInjector.counters
        #expect(counters.drop > 0 && counters.busy > 0, "\(counters)")
    }

    // MARK: Support

    private static func emulator(table: Bool, queue: Bool) throws -> StorageEmulator {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = table ? 0 : nil
        configuration.queuePort = queue ? 0 : nil
        configuration.jobsPort = nil
        configuration.inMemory = true
        configuration.faultsSeed = 9
        configuration.logLevel = .silent
        return try StorageEmulator(configuration: configuration)
    }
}
