//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension Lock {
    /// Takes the lock for `key`, trying every ``retryTimeout`` (with jitter, so contenders do
    /// not retry in step) until `timeout` has passed.
    ///
    /// - Throws: ``LockError`` `lockTimeout` when the time is up; `CancellationError` when the
    ///   task is cancelled while waiting; backend errors as ``tryAcquire(key:ttl:)`` throws them.
    public func acquire(key: String, ttl: Duration, timeout: Duration) async throws -> LockLease {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let lease = try await self.tryAcquire(key: key, ttl: ttl) {
                return lease
            }
            let now = ContinuousClock.now
            guard now < deadline else { throw LockError.lockTimeout(key: key) }
            let jitter = Double.random(in: 0.5..<1.5)
            try await Task.sleep(until: min(now + self.retryTimeout * jitter, deadline), clock: .continuous)
        }
    }

    /// Runs `body` while holding the lock for `key`, renewing the lease in the background every
    /// third of `ttl`, and releases it afterwards.
    ///
    /// If the lease is lost — a renewal finds another holder, or renewals fail until the lease
    /// runs out — `body`'s task is cancelled and this throws ``LockError`` `leaseLost`, even if
    /// `body` ignores the cancellation and returns.
    ///
    /// - Parameters:
    ///   - timeout: How long to wait for the lock; zero tries once.
    ///   - body: The work, given the lease so it can pass ``LockLease/fencingToken`` on.
    /// - Throws: ``LockError`` `lockTimeout` or `leaseLost`, or whatever `body` throws.
    public func withLock<Result: Sendable>(
        key: String, ttl: Duration, timeout: Duration = .zero,
        body: @escaping @Sendable (LockLease) async throws -> Result
    ) async throws -> Result {
        let lease = try await self.acquire(key: key, ttl: ttl, timeout: timeout)
        do {
            let result = try await lease.whileHolding(body)
            try? await lease.release()
            return result
        } catch {
            try? await lease.release()
            throw error
        }
    }
}
