//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The start, expiry and permissions a SAS actually carries once its stored access policy, if
/// any, has filled in the fields the SAS leaves out.
struct SASEffectiveTerms: Sendable {
    let start: PreciseTimestamp?
    let expiry: PreciseTimestamp
    let permissionMask: UInt32

    init(
        _ fields: SASParsedFields, sas: SharedAccessSignature, storedPolicy: (String) -> SASStoredAccessPolicy?
    ) throws(SASRejection) {
        guard fields.kind != .account, let identifier = sas.identifier else {
            // The parser has already insisted on both for a SAS without a policy.
            guard let expiry = fields.expiry, let mask = fields.permissionMask else { throw .malformed }
            self.start = fields.start
            self.expiry = expiry
            self.permissionMask = mask
            return
        }
        guard let policy = storedPolicy(identifier) else {
            throw .authenticationFailed("SAS identifier cannot be found for specified signed identifier")
        }
        let policyPermissions = policy.permissions.flatMap { $0.isEmpty ? nil : $0 }
        guard fields.expiry != nil || policy.expiry != nil else {
            throw .authenticationFailed("Signed expiry must be specified in signature or SAS identifier")
        }
        guard fields.permissionMask != nil || policyPermissions != nil else {
            throw .authenticationFailed("Signed permission must be specified in signature or SAS identifier")
        }
        if (fields.start != nil && policy.start != nil) || (fields.expiry != nil && policy.expiry != nil)
            || (fields.permissionMask != nil && policyPermissions != nil)
        {
            throw .authenticationFailed(
                "Access policy fields can be associated with signature or SAS identifier but not both")
        }
        self.start = fields.start ?? policy.start
        self.expiry = fields.expiry ?? policy.expiry ?? PreciseTimestamp(ticksSinceEpoch: 0)
        if let mask = fields.permissionMask {
            self.permissionMask = mask
        } else {
            let text = policyPermissions ?? ""
            let mask =
                fields.kind == .table
                ? TableSASPermissions(anyOrder: text)?.rawValue : QueueSASPermissions(anyOrder: text)?.rawValue
            guard let mask else { throw .malformed }
            self.permissionMask = mask
        }
    }

    /// Valid from the start (or now, without one) inclusive, to the expiry exclusive.
    func checkTime(now: PreciseTimestamp) throws(SASRejection) {
        let start = self.start ?? now
        guard start < self.expiry else {
            throw .authenticationFailed(
                "Signed expiry time [\(SASTime.rfc1123(self.expiry))] has to be after signed start time "
                    + "[\(SASTime.rfc1123(start))]")
        }
        guard now >= start, now < self.expiry else {
            throw .authenticationFailed(
                "Signature not valid in the specified time frame: Start [\(SASTime.rfc1123(start))] - Expiry "
                    + "[\(SASTime.rfc1123(self.expiry))] - Current [\(SASTime.rfc1123(now))]")
        }
    }
}
