//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

/// Which failures the clients retry, proven against an emulator injecting them.
@Suite("Retry policy", .timeLimit(.minutes(2)))
struct StorageRetryPolicyTests {
    @Test("only what cannot apply twice is retried")
    func safeToRetry() {
        let lost = TransportError(code: .connectionLost, message: "reset")
        let refused = TransportError(code: .connectFailed, message: "refused")
        for method in ["GET", "HEAD", "POST", "PUT", "MERGE", "DELETE"] {
            let isRead = method == "GET" || method == "HEAD"
            #expect(StorageRetryPolicy.isSafeToRetry(method: method, status: 503, transportError: nil))
            #expect(StorageRetryPolicy.isSafeToRetry(method: method, status: 500, transportError: nil) == isRead)
            #expect(StorageRetryPolicy.isSafeToRetry(method: method, status: nil, transportError: lost) == isRead)
            #expect(StorageRetryPolicy.isSafeToRetry(method: method, status: nil, transportError: refused))
            for status in [400, 404, 409, 412, 501] {
                #expect(!StorageRetryPolicy.isSafeToRetry(method: method, status: status, transportError: nil))
            }
        }
        #expect(StorageRetryPolicy.mayHaveBeenApplied(lost))
        #expect(!StorageRetryPolicy.mayHaveBeenApplied(refused))
        #expect(StorageRetryPolicy.mayHaveBeenApplied(StorageError(status: 500, code: .internalError, message: "")))
        #expect(!StorageRetryPolicy.mayHaveBeenApplied(StorageError(status: 503, code: .serverBusy, message: "")))
        #expect(StorageRetryPolicy.mayHaveBeenApplied(JobsError.internalError("failed")))
    }

    @Test("waits are random, below a cap that doubles from the initial delay up to the maximum")
    func backoff() {
        let policy = StorageRetryPolicy(
            maximumAttempts: 10, initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500))
        for (attempt, cap) in [(1, 100), (2, 200), (3, 400), (4, 500), (9, 500)] {
            let waits = (0..<200).map { _ in policy.delay(afterAttempt: attempt) }
            #expect(waits.allSatisfy { $0 >= .zero && $0 <= .milliseconds(cap) }, "attempt \(attempt)")
            #expect(Set(waits).count > 1, "jittered")
        }
        #expect(StorageRetryPolicy.none.maximumAttempts == 1)
    }

    @Test("reads go through 503s and 500s; a write's 500 is surfaced, not repeated")
    func readsRetriedWritesSurfaced() async throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = 0
        configuration.queuePort = nil
        configuration.jobsPort = nil
        configuration.inMemory = true
        configuration.faultsSeed = 3
        configuration.logLevel = .silent
        let emulator = try StorageEmulator(configuration: configuration)
        defer { emulator.shutdown() }
        let endpoint = try #require(emulator.endpoints.first)
        let account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=\(TestTableService.developmentKey);TableEndpoint=\(endpoint.url.absoluteString)")
        let table = TableClient(account: account, tableName: "retried")
        try await table.createTable()
        _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "r", properties: ["n": .int32(1)]))

        emulator.faultInjector.setSpec(try FaultSpec(parsing: "busy=0.2,internal=0.1"))
        for _ in 0..<20 {
            let read = try await table.entity(partitionKey: "p", rowKey: "r")
            #expect(read.entity.properties["n"] == .int32(1))
        }
        let counters = emulator.faultInjector.counters
        #expect(counters.busy > 0 && counters.internalError > 0, "\(counters)")

        emulator.faultInjector.setSpec(try FaultSpec(parsing: "internal=1"))
        let before = emulator.faultInjector.counters.internalError
        let failure = await #expect(throws: StorageError.self) {
            _ = try await table.insert(TableEntity(partitionKey: "p", rowKey: "other"))
        }
        #expect(failure?.status == 500 && failure?.code == .internalError)
        #expect(emulator.faultInjector.counters.internalError - before == 1, "a write's 500 is not repeated")
    }
}
