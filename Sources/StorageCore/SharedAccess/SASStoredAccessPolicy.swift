//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A stored access policy from a table's or queue's ACL, which a service SAS names in `si`.
///
/// Each field may be set here or on the SAS but not in both places; the two together must
/// supply an expiry and permissions. Removing the policy revokes every SAS that names it.
public struct SASStoredAccessPolicy: Sendable, Hashable {
    /// When SAS under this policy become valid.
    public var start: PreciseTimestamp?
    /// When SAS under this policy expire.
    public var expiry: PreciseTimestamp?
    /// The permission letters, such as `raud`; read in any order.
    public var permissions: String?

    /// Creates a policy.
    public init(start: PreciseTimestamp? = nil, expiry: PreciseTimestamp? = nil, permissions: String? = nil) {
        self.start = start
        self.expiry = expiry
        self.permissions = permissions
    }
}
