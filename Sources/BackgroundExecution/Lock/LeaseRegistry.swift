//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The leases one lock object holds, by key.
///
/// pip-services' `releaseLock(correlationId:key:)` names only a key; this is how a lock knows
/// which lease — its own — that means, so it never releases another holder's.
public final class LeaseRegistry: Sendable {
    private let leases = Mutex<[String: LockLease]>([:])

    /// An empty registry.
    public init() {}

    /// Records a lease, replacing an ended one for the same key.
    func insert(_ lease: LockLease) {
        self.leases.withLock { $0[lease.key] = lease }
    }

    /// Removes and returns the lease held for `key`.
    func remove(key: String) -> LockLease? {
        self.leases.withLock { $0.removeValue(forKey: key) }
    }

    /// The lease held for `key`, if it is still valid.
    func validLease(key: String) -> LockLease? {
        self.leases.withLock { leases in
            guard let lease = leases[key] else { return nil }
            guard lease.isValid else {
                leases[key] = nil
                return nil
            }
            return lease
        }
    }
}
