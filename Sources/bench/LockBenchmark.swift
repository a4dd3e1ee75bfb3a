//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageClient
import StorageCore
import Synchronization

/// Lock cycles of ``TableLock`` against the emulator, beside the Redis lock of pip-services
/// against `redis-server`, both driven from this process.
struct LockBenchmark {
    static let uncontended = "uncontended cycle (tryAcquire + release)"
    static let contended = "contended hand-over, 8 contenders"
    static let subject = "TableLock → emulator"
    static let anchorSubject = "Redis lock → redis-server"

    func run(_ context: BenchmarkContext) async throws {
        guard context.options.selectsAny(group: "lock", of: [Self.uncontended, Self.contended]) else { return }
        var configuration = TableLock.Configuration(account: context.emulator.account)
        // Contenders retry after 1 ms (± jitter), as the Redis contenders below do.
        configuration.retryTimeout = .milliseconds(1)
        let lock = TableLock(configuration: configuration)
        let redisPort = try await context.redis()?.port
        let anchor = redisPort == nil ? nil : Self.anchorSubject

        for concurrency in [1, 16] {
            // Distinct keys: caller n always cycles key n, so no two callers contend.
            var contenders = [
                BenchmarkContext.Contender(
                    subject: Self.subject, isAnchor: false, anchorSubject: anchor,
                    operation: .suspending { caller, _ in
                        guard let lease = try await lock.tryAcquire(key: "uncontended-\(caller)", ttl: .seconds(30))
                        else { throw BenchmarkFailure("an uncontended tryAcquire found its key taken") }
                        try await lease.release()
                    })
            ]
            if let redisPort {
                contenders.append(
                    BenchmarkContext.Contender(
                        subject: Self.anchorSubject, isAnchor: true,
                        operation: .blocking { caller in
                            let lock = RedisLock(connection: try RedisConnection(port: redisPort))
                            return { _ in
                                guard try lock.tryAcquire(key: "uncontended-\(caller)", ttl: .seconds(30)) else {
                                    throw BenchmarkFailure("an uncontended Redis SET NX found its key taken")
                                }
                                try lock.release(key: "uncontended-\(caller)")
                            }
                        }))
            }
            try await context.compare("lock", Self.uncontended, concurrency: concurrency, contenders)
        }

        // Hand-overs: 8 contenders on one key, each waiting for it (retrying every 1 ms ± jitter)
        // and releasing it at once; a row's rate is hand-overs per second.
        let tableContenders = (0..<8).map { _ in TableLock(configuration: configuration) }
        let fences = Mutex<[Int64]>([])
        var contenders = [
            BenchmarkContext.Contender(
                subject: Self.subject, isAnchor: false, anchorSubject: anchor,
                operation: .suspending { caller, _ in
                    let lease = try await tableContenders[caller].acquire(
                        key: "contended", ttl: .seconds(30), timeout: .seconds(60))
                    fences.withLock { $0.append(lease.fencingToken) }
                    try await lease.release()
                })
        ]
        if let redisPort {
            contenders.append(
                BenchmarkContext.Contender(
                    subject: Self.anchorSubject, isAnchor: true,
                    operation: .blocking { _ in
                        let lock = RedisLock(connection: try RedisConnection(port: redisPort))
                        return { _ in
                            while try !lock.tryAcquire(key: "contended", ttl: .seconds(30)) {
                                usleep(UInt32(1_000 * Double.random(in: 0.5..<1.5)))
                            }
                            try lock.release(key: "contended")
                        }
                    }))
        }
        try await context.compare("lock", Self.contended, concurrency: tableContenders.count, contenders)
        let taken = fences.withLock { $0 }
        if Set(taken).count != taken.count {
            context.report.note("TableLock handed out a fencing token twice in the contended row")
        }
    }
}
