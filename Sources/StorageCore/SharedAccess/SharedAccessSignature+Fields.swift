//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SharedAccessSignature {
    /// `st` as an instant; `nil` when absent or not in a form Azure accepts.
    public var startTime: PreciseTimestamp? { self.start.flatMap(SASTime.parse) }

    /// `se` as an instant; `nil` when absent or not in a form Azure accepts.
    public var expiryTime: PreciseTimestamp? { self.expiry.flatMap(SASTime.parse) }

    /// `sip` as a range; `nil` when absent or malformed.
    public var addressRange: SASIPRange? { self.ipRange.flatMap { SASIPRange($0) } }

    /// `spr` as a protocol choice; `nil` when absent or malformed.
    public var protocolRequirement: SASProtocol? { self.protocols.flatMap { SASProtocol(parsing: $0) } }

    /// `ss` as a set; `nil` when absent or malformed.
    public var accountServices: AccountSASServices? { self.services.flatMap({ AccountSASServices($0) }) }

    /// `srt` as a set; `nil` when absent or malformed.
    public var accountResourceTypes: AccountSASResourceTypes? {
        self.resourceTypes.flatMap({ AccountSASResourceTypes($0) })
    }

    /// `sp` read as account permissions; `nil` when absent or malformed.
    public var accountPermissions: AccountSASPermissions? { self.permissions.flatMap({ AccountSASPermissions($0) }) }

    /// `sp` read as table permissions; `nil` when absent or malformed (including out of order).
    public var tablePermissions: TableSASPermissions? { self.permissions.flatMap({ TableSASPermissions($0) }) }

    /// `sp` read as queue permissions; `nil` when absent or malformed (including out of order).
    public var queuePermissions: QueueSASPermissions? { self.permissions.flatMap({ QueueSASPermissions($0) }) }
}
