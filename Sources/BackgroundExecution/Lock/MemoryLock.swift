//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Synchronization

/// A lock within one process, with the same semantics as ``TableLock``: owner-checked
/// renewal and release, expiry, and fencing tokens that only grow.
///
/// For tests, single-instance deployments, and as the reference the distributed locks are
/// checked against. Unlike pip-services' `MemoryLock`, each instance has its own locks, and
/// releasing checks the owner.
public final class MemoryLock: Lock {
    private struct Holding {
        var owner: String
        var version: Int
        var expiresAt: ContinuousClock.Instant
        var released: Bool
    }

    private struct State {
        var holdings: [String: Holding] = [:]
        /// The last fencing token issued per key; never removed, so tokens only grow.
        var fences: [String: Int64] = [:]
        var nextVersion = 1
    }

    private let state = Mutex(State())

    /// How long ``acquire(key:ttl:timeout:)`` waits between attempts.
    public let retryTimeout: Duration
    /// The leases this object holds, for the pip-services operations.
    public let heldLeases = LeaseRegistry()

    /// Creates an empty lock.
    public init(retryTimeout: Duration = .milliseconds(100)) {
        self.retryTimeout = retryTimeout
    }

    /// Takes the lock for `key` if it is free or its holder's lease expired.
    public func tryAcquire(key: String, ttl: Duration) async throws -> LockLease? {
        let sentAt = ContinuousClock.now
        let owner = RandomIdentifier.uuidString()
        let granted = self.state.withLock { state -> (fence: Int64, version: Int)? in
            if let holding = state.holdings[key], !holding.released, holding.expiresAt > sentAt {
                return nil
            }
            let fence = (state.fences[key] ?? 0) + 1
            state.fences[key] = fence
            let version = state.nextVersion
            state.nextVersion += 1
            state.holdings[key] = Holding(owner: owner, version: version, expiresAt: sentAt + ttl, released: false)
            return (fence, version)
        }
        guard let granted else { return nil }
        return LockLease(
            key: key, owner: owner, fencingToken: granted.fence, ttl: ttl, version: String(granted.version),
            sentAt: sentAt, lock: self)
    }

    /// Extends `lease` if it still holds the lock.
    public func renew(_ lease: LockLease) async throws {
        let sentAt = ContinuousClock.now
        let version = self.state.withLock { state -> Int? in
            guard var holding = state.holdings[lease.key], holding.owner == lease.owner, !holding.released,
                String(holding.version) == lease.version, holding.expiresAt > sentAt
            else { return nil }
            holding.version = state.nextVersion
            state.nextVersion += 1
            holding.expiresAt = sentAt + lease.ttl
            state.holdings[lease.key] = holding
            return holding.version
        }
        guard let version else {
            lease.markLost()
            throw LockError.leaseLost(key: lease.key, reason: "another holder has the lock, or it expired")
        }
        lease.markRenewed(version: String(version), sentAt: sentAt)
    }

    /// Frees the lock if `lease` still holds it.
    public func release(_ lease: LockLease) async throws {
        let released = self.state.withLock { state -> Bool in
            guard var holding = state.holdings[lease.key], holding.owner == lease.owner, !holding.released,
                String(holding.version) == lease.version
            else { return false }
            holding.released = true
            state.holdings[lease.key] = holding
            return true
        }
        if released { lease.markReleased() } else { lease.markLost() }
    }
}

extension MemoryLock {
    /// Hands `key` to an anonymous new holder, as if `lease`'s holder had stalled past its TTL
    /// and someone took over: for tests of loss detection.
    package func takeOverForTesting(key: String) {
        self.state.withLock { state in
            let fence = (state.fences[key] ?? 0) + 1
            state.fences[key] = fence
            let version = state.nextVersion
            state.nextVersion += 1
            state.holdings[key] = Holding(
                owner: "thief", version: version, expiresAt: ContinuousClock.now + .seconds(3600), released: false)
        }
    }
}
