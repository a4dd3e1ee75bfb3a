//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A distributed lock: at most one holder per key at a time, with leases that expire, renew
/// and carry fencing tokens.
///
/// Implementations provide the three backend steps; everything else — waiting with retries,
/// the pip-services `ILock` operations, `withLock` with background renewal — comes from
/// extensions, so every backend behaves the same way.
///
/// ```swift
/// let lock: any Lock = try TableLock(connectionString: "UseDevelopmentStorage=true")
/// try await lock.withLock(key: "analysis", ttl: .seconds(30)) { lease in
///     try await analyseNewFiles(fence: lease.fencingToken)
/// }
/// ```
public protocol Lock: Sendable {
    /// How long ``acquire(key:ttl:timeout:)`` waits between attempts (jittered by ±50 %).
    var retryTimeout: Duration { get }

    /// The leases this lock object holds, for the pip-services operations that release by key.
    var heldLeases: LeaseRegistry { get }

    /// Takes the lock for `key` if nobody holds it, in one attempt.
    ///
    /// - Returns: The lease, or `nil` when another holder has it.
    /// - Throws: When the backend cannot be reached or the key cannot be stored; never to say
    ///   "held by someone else".
    func tryAcquire(key: String, ttl: Duration) async throws -> LockLease?

    /// Extends `lease` by its TTL, if it is still the holder's (called by ``LockLease/renew()``).
    ///
    /// - Throws: ``LockError`` `leaseLost` after marking the lease lost, when another holder
    ///   has the lock; other errors when the backend could not be reached.
    func renew(_ lease: LockLease) async throws

    /// Gives the lock back if `lease` still holds it (called by ``LockLease/release()``); never
    /// touches a lock someone else holds now.
    func release(_ lease: LockLease) async throws
}
