//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Decides, on the emulator's side, whether a request's shared access signature authorizes it,
/// answering with the exact error Azure gives when it does not.
///
/// The checks run in Azure's order, and the first failure decides the answer:
/// 1. the fields are well formed (403 `AuthenticationFailed`);
/// 2. the signature matches under one of the account's keys (`AuthenticationFailed`);
/// 3. a stored access policy named by `si` exists and combines with the SAS
///    (`AuthenticationFailed`);
/// 4. the request falls in the validity period, start inclusive and expiry exclusive
///    (`AuthenticationFailed`);
/// 5. the client address lies in `sip` (`AuthorizationSourceIPMismatch`);
/// 6. plain HTTP is allowed by `spr` if used (`AuthorizationProtocolMismatch`);
/// 7. for an account SAS: the service (`AuthorizationServiceMismatch`), the resource type
///    (`AuthorizationResourceTypeMismatch`) and the permissions (`AuthorizationPermissionMismatch`);
///    for a table SAS: an entity operation on its own table (`AuthorizationFailure`), the
///    permissions (`AuthorizationPermissionMismatch`) and the key range (`AuthorizationFailure`);
///    for a queue SAS: an operation a queue SAS may run (`AuthorizationFailure`) and the
///    permissions (`AuthorizationPermissionMismatch`).
///
/// Every key is tried and compared in constant time, so neither the timing nor the answer
/// reveals which key (if any) came close.
public struct SASVerifier: Sendable, Hashable {
    /// The account the request addresses, which account and service SAS sign.
    public var accountName: String
    /// The account's keys, usually two, any of which may have signed.
    public var keys: [StorageAccountKey]

    /// Creates a verifier for one account.
    public init(accountName: String, keys: [StorageAccountKey]) {
        self.accountName = accountName
        self.keys = keys
    }

    /// Checks `signature` against `request`.
    ///
    /// - Parameters:
    ///   - signature: The SAS read from the request's query.
    ///   - request: What the request is and needs.
    ///   - storedPolicy: Looks up a stored access policy of the addressed table or queue by its
    ///     identifier (`si`); only consulted for a service SAS that names one.
    public func verify(
        _ signature: SharedAccessSignature, for request: SASRequest,
        storedPolicy: (String) -> SASStoredAccessPolicy? = { _ in nil }
    ) -> SASVerificationResult {
        do {
            return .authorized(try self.evaluate(signature, for: request, storedPolicy: storedPolicy))
        } catch {
            return .denied(error.error, detail: error.detail)
        }
    }

    private func evaluate(
        _ sas: SharedAccessSignature, for request: SASRequest, storedPolicy: (String) -> SASStoredAccessPolicy?
    ) throws(SASRejection) -> SASGrant {
        let kind = try Self.kind(of: sas, service: request.service)
        let fields = try SASParsedFields(sas, kind: kind)
        let stringToSign = try self.stringToSign(sas, kind: kind, request: request)
        try self.checkSignature(fields.presentedSignature, of: stringToSign)
        let terms = try SASEffectiveTerms(fields, sas: sas, storedPolicy: storedPolicy)
        try terms.checkTime(now: request.now)
        try Self.checkNetwork(fields, request: request)
        switch kind {
        case .account:
            try Self.authorizeAccount(fields, terms: terms, request: request)
            return SASGrant(kind: .account, expiry: terms.expiry)
        case .table:
            let range = try Self.authorizeTable(sas, terms: terms, request: request)
            return SASGrant(kind: .table, keyRange: range.isBounded ? range : nil, expiry: terms.expiry)
        case .queue:
            try Self.authorizeQueue(terms: terms, request: request)
            return SASGrant(kind: .queue, expiry: terms.expiry)
        }
    }

    /// An account SAS names services or resource types; otherwise it is the service SAS of the
    /// service the request went to.
    private static func kind(of sas: SharedAccessSignature, service: StorageService) throws(SASRejection) -> SASKind {
        if sas.isAccountSAS { return .account }
        switch service {
        case .table: return .table
        case .queue: return .queue
        case .blob: throw .authenticationFailed("Blob service SAS is not supported by this emulator.")
        }
    }

    private func stringToSign(
        _ sas: SharedAccessSignature, kind: SASKind, request: SASRequest
    ) throws(SASRejection) -> String {
        switch kind {
        case .account:
            return sas.accountStringToSign(accountName: self.accountName)
        case .table:
            return sas.tableStringToSign(accountName: self.accountName) ?? ""
        case .queue:
            guard let queueName = request.queueName, !queueName.isEmpty else {
                throw .authenticationFailed("The specified signed resource is not allowed for the this resource level")
            }
            return sas.queueStringToSign(accountName: self.accountName, queueName: queueName)
        }
    }

    private func checkSignature(_ presented: [UInt8], of stringToSign: String) throws(SASRejection) {
        let message = Array(stringToSign.utf8)
        var matched = false
        for key in self.keys {
            let expected = HMACSHA256.authenticationCode(key: key.bytes, message: message)
            // Evaluated for every key, so the time taken does not depend on which one matched.
            let equal = HMACSHA256.constantTimeEquals(expected, presented)
            matched = matched || equal
        }
        guard matched else {
            throw .authenticationFailed("Signature did not match. String to sign used was \(stringToSign)")
        }
    }

    private static func checkNetwork(_ fields: SASParsedFields, request: SASRequest) throws(SASRejection) {
        if let range = fields.addressRange {
            let address = request.clientAddress ?? ""
            guard range.contains(address: address) else {
                throw .sourceIPMismatch(address: address, "Source IP \(address) is outside the signed range \(range).")
            }
        }
        if let choice = fields.protocolRequirement, !choice.allows(https: request.isHTTPS) {
            throw .protocolMismatch("The signed protocol is \(choice.rawValue); the request used http.")
        }
    }
}
