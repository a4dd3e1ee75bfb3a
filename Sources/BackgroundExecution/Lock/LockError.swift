//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A lock operation that could not do what was asked.
///
/// Codes follow pip-services where it has one (`LOCK_TIMEOUT`), so logs and dashboards built
/// for it keep working.
public struct LockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The code string, such as `LOCK_TIMEOUT`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// `acquire` gave up after its timeout: someone else held the lock all along.
        public static let lockTimeout = Code("LOCK_TIMEOUT")
        /// The lease ended without its holder releasing it: it expired, or another holder took
        /// the lock over. Work done under it must stop.
        public static let leaseLost = Code("LEASE_LOST")
        /// The key cannot be stored by the lock's backend (too long once escaped).
        public static let invalidKey = Code("INVALID_KEY")
        /// The lock's configuration is incomplete or contradictory.
        public static let invalidConfiguration = Code("INVALID_CONFIGURATION")

        /// The code string.
        public var description: String { self.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// The lock key concerned.
    public let key: String
    /// A sentence for people.
    public let message: String

    /// Creates an error.
    public init(code: Code, key: String, message: String) {
        self.code = code
        self.key = key
        self.message = message
    }

    /// The pip-services timeout error: `Acquiring lock <key> failed on timeout`.
    public static func lockTimeout(key: String) -> LockError {
        LockError(code: .lockTimeout, key: key, message: "Acquiring lock \(key) failed on timeout")
    }

    /// The lease on `key` is no longer held.
    public static func leaseLost(key: String, reason: String) -> LockError {
        LockError(code: .leaseLost, key: key, message: "The lease on lock \(key) was lost: \(reason)")
    }

    /// The code and the message.
    public var description: String { "\(self.code): \(self.message)" }
}
