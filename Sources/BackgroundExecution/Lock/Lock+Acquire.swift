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
            let result = try await Self.run(body, holding: lease)
            try? await lease.release()
            return result
        } catch {
            try? await lease.release()
            throw error
        }
    }

    /// The body and the renewal loop race: the first to finish decides.
    static func run<Result: Sendable>(
        _ body: @escaping @Sendable (LockLease) async throws -> Result, holding lease: LockLease
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body(lease) }
            group.addTask {
                await Self.keepRenewing(lease)
                return nil
            }
            defer { group.cancelAll() }
            while let outcome = try await group.next() {
                if let result = outcome {
                    guard lease.status != .lost else { break }
                    return result
                }
                // The renewal loop only returns when the lease is lost (or on cancellation).
                if lease.status == .lost || !lease.isValid { break }
            }
            throw LockError.leaseLost(key: lease.key, reason: "it expired or was taken over while the work ran")
        }
    }

    /// Renews `lease` every third of its TTL until it is lost or the task is cancelled.
    ///
    /// A renewal that fails for lack of an answer is retried at the next beat; the lease is
    /// declared lost once its validity runs out without a successful renewal.
    static func keepRenewing(_ lease: LockLease) async {
        let beat = lease.ttl / 3
        while !Task.isCancelled {
            let wakeUp = min(ContinuousClock.now + beat, lease.validUntil)
            do {
                try await Task.sleep(until: wakeUp, clock: .continuous)
            } catch {
                return
            }
            if ContinuousClock.now >= lease.validUntil {
                lease.markLost()
                return
            }
            do {
                try await lease.renew()
            } catch let error as LockError where error.code == .leaseLost {
                lease.markLost()
                return
            } catch {
                // No answer from the store: try again at the next beat while the lease lasts.
                continue
            }
        }
    }
}
