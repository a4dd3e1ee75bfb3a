//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The pip-services `ILock` operations, under their names.
///
/// `correlationId` only traces the call, as in pip-services' other locks; unlike the original
/// `CloudStorageTableLock` it never takes part in the lock's identity, so callers with different
/// correlation ids exclude each other as they should.
extension Lock {
    /// Takes the lock for `key` if it is free, remembering the lease for ``releaseLock(correlationId:key:)``.
    ///
    /// - Returns: `true` when acquired; `false` when someone else holds it, including this lock
    ///   object under an earlier, still valid call.
    public func tryAcquireLock(correlationId: String?, key: String, ttl: Duration) async throws -> Bool {
        if self.heldLeases.validLease(key: key) != nil { return false }
        guard let lease = try await self.tryAcquire(key: key, ttl: ttl) else { return false }
        self.heldLeases.insert(lease)
        return true
    }

    /// Takes the lock for `key`, retrying every ``retryTimeout`` until `timeout`.
    ///
    /// - Throws: ``LockError`` with code `LOCK_TIMEOUT` when the time is up.
    public func acquireLock(correlationId: String?, key: String, ttl: Duration, timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await self.tryAcquireLock(correlationId: correlationId, key: key, ttl: ttl) { return }
            let now = ContinuousClock.now
            guard now < deadline else { throw LockError.lockTimeout(key: key) }
            let jitter = Double.random(in: 0.5..<1.5)
            try await Task.sleep(until: min(now + self.retryTimeout * jitter, deadline), clock: .continuous)
        }
    }

    /// Releases this lock object's lease on `key`, if it has one; never anybody else's.
    public func releaseLock(correlationId: String?, key: String) async throws {
        guard let lease = self.heldLeases.remove(key: key) else { return }
        try await lease.release()
    }
}
