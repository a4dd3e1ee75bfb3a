//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SASVerifier {
    /// Service, then resource type, then permissions, as Azure checks them.
    static func authorizeAccount(
        _ fields: SASParsedFields, terms: SASEffectiveTerms, request: SASRequest
    ) throws(SASRejection) {
        let requirement = request.requirement
        let services = fields.services ?? []
        guard services.contains(AccountSASServices(request.service)) else {
            throw .serviceMismatch("Signed services '\(services)' do not include the \(request.service) service.")
        }
        let resourceTypes = fields.resourceTypes ?? []
        guard resourceTypes.contains(requirement.resourceType) else {
            throw .resourceTypeMismatch(
                "SignedResourceTypes '\(requirement.resourceType)' is required to perform this operation.")
        }
        guard !requirement.accountPermissions.isEmpty else {
            throw .authorizationFailure("Signed access not supported for this request.")
        }
        let granted = AccountSASPermissions(rawValue: terms.permissionMask)
        guard requirement.accountPermissions.contains(where: { granted.isSuperset(of: $0) }) else {
            let needed = requirement.accountPermissions.map(\.description).joined(separator: "' or '")
            throw .permissionMismatch("SignedPermissions '\(needed)' is required to perform this operation.")
        }
    }

    /// An entity operation on the SAS's own table, within its permissions, inside its key range.
    static func authorizeTable(
        _ sas: SharedAccessSignature, terms: SASEffectiveTerms, request: SASRequest
    ) throws(SASRejection) -> TableSASKeyRange {
        guard let needed = request.requirement.tablePermissions, let tableName = request.tableName else {
            throw .authorizationFailure("Signed access not supported for this request.")
        }
        guard tableName.lowercased() == (sas.tableName ?? "").lowercased() else {
            throw .authorizationFailure("Signed access not supported for this request as table name did not match")
        }
        let granted = TableSASPermissions(rawValue: terms.permissionMask)
        guard granted.isSuperset(of: needed) else {
            throw .permissionMismatch("Signed access insufficient permission")
        }
        let range = TableSASKeyRange(
            startPartitionKey: sas.startPartitionKey, startRowKey: sas.startRowKey,
            endPartitionKey: sas.endPartitionKey, endRowKey: sas.endRowKey)
        if let partitionKey = request.partitionKey, let rowKey = request.rowKey,
            !range.contains(partitionKey: partitionKey, rowKey: rowKey)
        {
            throw .authorizationFailure("Signed access insufficient permission as keys are out of bounds")
        }
        return range
    }

    /// An operation a queue SAS may run, within its permissions.
    static func authorizeQueue(terms: SASEffectiveTerms, request: SASRequest) throws(SASRejection) {
        guard let needed = request.requirement.queuePermissions else {
            throw .authorizationFailure("Signed access not supported for this request.")
        }
        let granted = QueueSASPermissions(rawValue: terms.permissionMask)
        guard granted.isSuperset(of: needed) else {
            throw .permissionMismatch("Signed access insufficient permission")
        }
    }
}
