//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// One stored access policy of a queue's ACL, which a SAS can name with `si=`.
public struct QueueSignedIdentifier: Sendable, Hashable {
    /// The policy's id, at most 64 characters.
    public var id: String
    /// When the policy starts; `nil` to leave it to the SAS.
    public var start: Date?
    /// When it ends; `nil` to leave it to the SAS.
    public var expiry: Date?
    /// Permission letters from `raup` (read, add, update, process); `nil` to leave them to
    /// the SAS.
    public var permissions: String?

    /// Creates a policy.
    public init(id: String, start: Date? = nil, expiry: Date? = nil, permissions: String? = nil) {
        self.id = id
        self.start = start
        self.expiry = expiry
        self.permissions = permissions
    }
}
