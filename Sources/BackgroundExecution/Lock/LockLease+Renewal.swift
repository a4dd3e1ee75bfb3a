//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension LockLease {
    /// Runs `body` while renewing this lease every third of its TTL; the first to finish
    /// decides: the body's result, or `LEASE_LOST` (with the body cancelled) when renewal fails.
    func whileHolding<Result: Sendable>(
        _ body: @escaping @Sendable (LockLease) async throws -> Result
    ) async throws -> Result {
        let lease = self
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body(lease) }
            group.addTask {
                await lease.keepRenewing()
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

    /// Renews the lease every third of its TTL until it is lost or the task is cancelled.
    ///
    /// A renewal that fails for lack of an answer is retried at the next beat; the lease is
    /// declared lost once its validity runs out without a successful renewal.
    func keepRenewing() async {
        let lease = self
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
