//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableService {
    /// Checks that the request's credential allows one operation.
    ///
    /// A shared key allows everything. A SAS is verified against what the operation needs: its
    /// permission, its table, and for entity operations the entity's keys (ranges in
    /// `spk`/`srk`/`epk`/`erk` are enforced, which Azurite does not do).
    ///
    /// - Returns: The SAS grant, whose key range a query must also apply to its results; `nil`
    ///   for a shared key.
    @discardableResult
    func authorize(
        _ credential: RequestCredential, _ context: TableRequestContext, _ requirement: SASAccessRequirement,
        table: String? = nil, partitionKey: String? = nil, rowKey: String? = nil
    ) throws(StorageError) -> SASGrant? {
        guard case .sharedAccessSignature(let query) = credential else { return nil }
        guard let signature = SharedAccessSignature(query: query) else {
            throw .authenticationFailed("The request's shared access signature could not be read.")
        }
        let request = SASRequest(
            service: .table, requirement: requirement, tableName: table, partitionKey: partitionKey, rowKey: rowKey,
            clientAddress: Self.clientIP(context.request.remoteAddress), isHTTPS: false, now: .now())
        let verifier = SASVerifier(accountName: context.account.name, keys: context.account.keys)
        let result = verifier.verify(signature, for: request) { identifier in
            self.storedPolicy(identifier, account: context.account.name, table: table)
        }
        switch result {
        case .authorized(let grant):
            return grant
        case .denied(let error, let detail):
            throw StorageError(
                status: error.status, code: error.code, message: error.message + "\nAuthenticationErrorDetail:\(detail)"
            )
        }
    }

    /// A stored access policy of `table`, for a SAS that names one in `si`.
    private func storedPolicy(_ identifier: String, account: String, table: String?) -> SASStoredAccessPolicy? {
        guard let table, let bytes = try? self.store.tableACL(account: account, name: table),
            let identifiers = try? SignedIdentifier.parseList(bytes)
        else { return nil }
        return identifiers.first { $0.id == identifier }?.storedAccessPolicy
    }

    /// The IP address of `host:port`, or of `[v6]:port`.
    private static func clientIP(_ remoteAddress: String?) -> String? {
        guard var address = remoteAddress else { return nil }
        if address.hasPrefix("["), let close = address.firstIndex(of: "]") {
            return String(address[address.index(after: address.startIndex)..<close])
        }
        if let colon = address.lastIndex(of: ":") {
            address = String(address[..<colon])
        }
        return address
    }
}
