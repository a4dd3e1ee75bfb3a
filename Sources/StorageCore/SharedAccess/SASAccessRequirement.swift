//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What an operation needs from a SAS, for each kind of SAS.
///
/// The emulator picks the requirement of the operation it is about to run (the static members
/// in `SASAccessRequirement+Table.swift` and `+Queue.swift` follow Azure's tables of operations
/// for account and service SAS) and hands it to ``SASVerifier``.
public struct SASAccessRequirement: Sendable, Hashable {
    /// The resource level an account SAS must include in `srt`: exactly one of `s`, `c`, `o`.
    public var resourceType: AccountSASResourceTypes
    /// Account SAS permissions, as alternatives: the SAS must hold every letter of at least one.
    /// Empty when no account SAS may run the operation (access-policy operations).
    public var accountPermissions: [AccountSASPermissions]
    /// The table SAS permissions needed; `nil` when a table SAS can never run the operation.
    public var tablePermissions: TableSASPermissions?
    /// The queue SAS permissions needed; `nil` when a queue SAS can never run the operation.
    public var queuePermissions: QueueSASPermissions?

    /// Creates a requirement.
    public init(
        resourceType: AccountSASResourceTypes, accountPermissions: [AccountSASPermissions],
        tablePermissions: TableSASPermissions? = nil, queuePermissions: QueueSASPermissions? = nil
    ) {
        self.resourceType = resourceType
        self.accountPermissions = accountPermissions
        self.tablePermissions = tablePermissions
        self.queuePermissions = queuePermissions
    }
}
