//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// One holding of a lock: who holds which key, under which fencing token, until when.
///
/// A lease is valid from its acquisition until the earliest of: its holder releasing it, its
/// validity running out on the local monotonic clock without a renewal, or a renewal finding
/// that someone else took the lock. Validity is measured from the moment the acquiring or
/// renewing request was *sent*, minus a safety margin, so the holder stops believing in the
/// lease before any other process can take it over (see Docs/LOCKS.md).
///
/// Pass ``fencingToken`` to every resource the work writes to, and have the resource refuse a
/// token lower than the highest it has seen: that is what keeps a paused or partitioned former
/// holder from doing damage after its lease ended.
public final class LockLease: Sendable {
    /// How a lease ended.
    public enum Status: Sendable, Hashable {
        /// Still held, as far as the holder knows.
        case held
        /// Given back by its holder.
        case released
        /// Ended without the holder's consent: expired or taken over.
        case lost
    }

    /// The lock key.
    public let key: String
    /// The holder's unique identity for this acquisition.
    public let owner: String
    /// The fencing token: strictly greater than every token issued for this key before.
    public let fencingToken: Int64
    /// The lease duration asked for; renewals extend the lease by as much.
    public let ttl: Duration

    private struct State {
        var version: String
        var validUntil: ContinuousClock.Instant
        var status: Status
        var waiters: [CheckedContinuation<Void, Never>]
    }

    private let state: Mutex<State>
    private let lock: any Lock

    /// Creates a lease; locks call this when an acquisition succeeds.
    ///
    /// - Parameters:
    ///   - version: The backend's token for conditional writes on the lease (an ETag).
    ///   - sentAt: When the acquiring request was sent, on the monotonic clock.
    package init(
        key: String, owner: String, fencingToken: Int64, ttl: Duration, version: String,
        sentAt: ContinuousClock.Instant, lock: any Lock
    ) {
        self.key = key
        self.owner = owner
        self.fencingToken = fencingToken
        self.ttl = ttl
        self.lock = lock
        self.state = Mutex(
            State(version: version, validUntil: sentAt + Self.validity(of: ttl), status: .held, waiters: []))
    }

    /// How long after a request is sent its holder may rely on the lease: 90 % of the TTL, so
    /// that drift between the holder's and the server's clock rates cannot overlap two holders.
    package static func validity(of ttl: Duration) -> Duration {
        ttl * 0.9
    }

    /// The current status.
    public var status: Status {
        self.state.withLock { state in
            if state.status == .held, ContinuousClock.now >= state.validUntil { return .lost }
            return state.status
        }
    }

    /// Whether the holder may still act under this lease.
    public var isValid: Bool { self.status == .held }

    /// When the lease stops being valid unless renewed, on the monotonic clock.
    public var validUntil: ContinuousClock.Instant {
        self.state.withLock { $0.validUntil }
    }

    /// The backend's token for conditional writes on this lease.
    package var version: String {
        self.state.withLock { $0.version }
    }

    /// Extends the lease by its TTL from now.
    ///
    /// - Throws: ``LockError`` with code `leaseLost` when the lease already ended or another
    ///   holder has the lock; the lease is then lost. Other errors (the store unreachable) leave
    ///   the lease as it was, valid until ``validUntil``.
    public func renew() async throws {
        guard self.status == .held else {
            throw LockError.leaseLost(key: self.key, reason: "it ended before it could be renewed")
        }
        try await self.lock.renew(self)
    }

    /// Gives the lock back, if it is still ours. Idempotent; a lease already lost is left alone.
    public func release() async throws {
        guard self.state.withLock({ $0.status == .held }) else { return }
        try await self.lock.release(self)
    }

    /// Waits until the lease is lost, returning at once if it already is. Returns early when
    /// the lease is released or the waiting task is cancelled.
    public func waitUntilLost() async {
        while true {
            let (status, validUntil) = self.state.withLock { ($0.status, $0.validUntil) }
            guard status == .held else { return }
            if ContinuousClock.now >= validUntil {
                self.markLost()
                return
            }
            // Sleep until the validity runs out, or until a renewal or a loss wakes us.
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let registered = self.state.withLock { state in
                        guard state.status == .held, !Task.isCancelled else { return false }
                        state.waiters.append(continuation)
                        return true
                    }
                    if !registered { continuation.resume() }
                    Task {
                        try? await Task.sleep(until: validUntil, clock: .continuous)
                        self.wakeWaiters()
                    }
                }
            } onCancel: {
                self.wakeWaiters()
            }
            if Task.isCancelled { return }
        }
    }

    // MARK: - Updates from the lock

    /// Records a successful renewal sent at `sentAt`.
    package func markRenewed(version: String, sentAt: ContinuousClock.Instant) {
        self.state.withLock { state in
            guard state.status == .held else { return }
            state.version = version
            state.validUntil = max(state.validUntil, sentAt + Self.validity(of: self.ttl))
        }
    }

    /// Records that the lease ended without the holder's consent.
    package func markLost() {
        self.end(.lost)
    }

    /// Records that the holder gave the lease back.
    package func markReleased() {
        self.end(.released)
    }

    private func end(_ status: Status) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.status == .held { state.status = status }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func wakeWaiters() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

extension LockLease: CustomStringConvertible {
    /// Key, owner, fencing token and status.
    public var description: String {
        "LockLease(key: \(self.key), owner: \(self.owner), fencingToken: \(self.fencingToken), status: \(self.status))"
    }
}
