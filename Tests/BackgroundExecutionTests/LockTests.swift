//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import Testing

/// The same suite for every lock: mutual exclusion, fencing, expiry, renewal, loss, ownership.
@Suite("Lock semantics", .timeLimit(.minutes(5)))
struct LockTests {
    @Test("one holder at a time; release frees the key; fences grow", arguments: LockBackend.allCases)
    func exclusionAndFences(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let first = try environment.makeLock()
        let second = try environment.makeLock()
        let lease = try #require(try await first.tryAcquire(key: "job", ttl: .seconds(30)))
        #expect(try await second.tryAcquire(key: "job", ttl: .seconds(30)) == nil)
        #expect(lease.isValid)
        try await lease.release()
        #expect(lease.status == .released)
        let next = try #require(try await second.tryAcquire(key: "job", ttl: .seconds(30)))
        #expect(next.fencingToken > lease.fencingToken)
        #expect(next.owner != lease.owner)
        // Other keys are independent.
        let other = try #require(try await first.tryAcquire(key: "other/key?#\\with%chars", ttl: .seconds(30)))
        try await other.release()
        try await next.release()
    }

    @Test("16 contenders × 300 cycles: never two holders, fences strictly increasing", arguments: LockBackend.allCases)
    func contention(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let resource = FencedResource()
        let cycles = 300
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                let lock = try environment.makeLock(retryTimeout: .milliseconds(2))
                group.addTask {
                    for _ in 0..<cycles {
                        let lease = try await lock.acquire(key: "contended", ttl: .seconds(30), timeout: .seconds(120))
                        resource.enter(fence: lease.fencingToken)
                        await Task.yield()
                        resource.leave(fence: lease.fencingToken)
                        try await lease.release()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(resource.violations.isEmpty, "\(resource.violations.prefix(5))")
        #expect(resource.entries == 16 * cycles)
    }

    @Test("an expired lease is taken over, and its former holder finds out", arguments: LockBackend.allCases)
    func takeoverAfterExpiry(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let stale = try environment.makeLock()
        let fresh = try environment.makeLock()
        let old = try #require(try await stale.tryAcquire(key: "expiring", ttl: .milliseconds(300)))
        #expect(try await fresh.tryAcquire(key: "expiring", ttl: .seconds(30)) == nil)
        // The holder stops believing in its lease before anyone else may take it.
        try await Task.sleep(for: .milliseconds(300))
        #expect(!old.isValid)
        let new = try await fresh.acquire(key: "expiring", ttl: .seconds(30), timeout: .seconds(10))
        #expect(new.fencingToken > old.fencingToken)
        await #expect(throws: LockError.self) { try await old.renew() }
        try await old.release()  // a no-op: the lock is someone else's now
        #expect(new.isValid)
        #expect(try await stale.tryAcquire(key: "expiring", ttl: .seconds(30)) == nil)
        try await new.release()
    }

    @Test("withLock renews the lease while the work outlasts its TTL", arguments: LockBackend.allCases)
    func renewalKeepsLease(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let holder = try environment.makeLock()
        let contender = try environment.makeLock()
        // Timings leave room for a loaded machine: renewal every 0.5 s, trusted for 1.35 s.
        let fence = try await holder.withLock(key: "long", ttl: .milliseconds(1500)) { lease in
            for _ in 0..<10 {
                try await Task.sleep(for: .milliseconds(300))
                #expect(lease.isValid)
                #expect(try await contender.tryAcquire(key: "long", ttl: .seconds(30)) == nil)
            }
            return lease.fencingToken
        }
        let after = try #require(try await contender.tryAcquire(key: "long", ttl: .seconds(30)))
        #expect(after.fencingToken > fence)
        try await after.release()
    }

    @Test("a stolen lease is detected, and the work is cancelled", arguments: LockBackend.allCases)
    func stolenLeaseCancelsWork(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let holder = try environment.makeLock()
        let started = ContinuousClock.now
        let thief = try environment.makeLock()
        await #expect {
            try await holder.withLock(key: "stolen", ttl: .milliseconds(600)) { lease in
                try await steal("stolen", from: lease, environment: environment, using: thief)
                // Sleep far longer than the test allows unless cancelled.
                try await Task.sleep(for: .seconds(60))
            }
        } throws: { error in
            (error as? LockError)?.code == .leaseLost
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("releasing someone else's lock changes nothing", arguments: LockBackend.allCases)
    func nonOwnerRelease(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let holderLock = try environment.makeLock()
        let otherLock = try environment.makeLock()
        let lease = try #require(try await holderLock.tryAcquire(key: "mine", ttl: .seconds(30)))
        // pip-services' releaseLock names only a key; it must not free another holder's lock.
        if backend == .table {
            try await otherLock.releaseLock(correlationId: "someone", key: "mine")
        }
        #expect(try await otherLock.tryAcquire(key: "mine", ttl: .seconds(30)) == nil)
        #expect(lease.isValid)
        try await lease.renew()
        try await lease.release()
    }

    @Test("the pip-services ILock operations", arguments: LockBackend.allCases)
    func pipServicesOperations(backend: LockBackend) async throws {
        let environment = try LockEnvironment(backend)
        let lock = try environment.makeLock()
        #expect(try await lock.tryAcquireLock(correlationId: "a", key: "pip", ttl: .seconds(30)))
        #expect(try await !lock.tryAcquireLock(correlationId: "b", key: "pip", ttl: .seconds(30)))
        await #expect {
            try await lock.acquireLock(correlationId: "c", key: "pip", ttl: .seconds(30), timeout: .milliseconds(200))
        } throws: { error in
            (error as? LockError)?.code.rawValue == "LOCK_TIMEOUT"
        }
        try await lock.releaseLock(correlationId: "d", key: "pip")
        try await lock.acquireLock(correlationId: "e", key: "pip", ttl: .seconds(30), timeout: .seconds(5))
        try await lock.releaseLock(correlationId: "f", key: "pip")
        try await lock.releaseLock(correlationId: "g", key: "never-held")
    }
}

/// Takes `key` away from `lease`'s holder as a process that saw the lease expire would.
private func steal(_ key: String, from lease: LockLease, environment: LockEnvironment, using thief: any Lock)
    async throws
{
    switch environment.backend {
    case .memory:
        (thief as? MemoryLock)?.takeOverForTesting(key: key)
    case .table:
        try await TableLockTakeover.takeOver(key: key, connectionString: environment.connectionString)
    }
}
