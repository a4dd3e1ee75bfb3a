//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension QueueService {
    /// Checks that the request's credential allows one operation.
    ///
    /// A shared key allows everything. A SAS — account or queue — is verified against what the
    /// operation needs; a queue SAS naming a stored access policy (`si`) is checked against the
    /// queue's ACL.
    func authorize(
        _ credential: RequestCredential, _ context: QueueRequestContext, _ requirement: SASAccessRequirement
    ) throws(StorageError) {
        guard case .sharedAccessSignature(let query) = credential else { return }
        guard let signature = SharedAccessSignature(query: query) else {
            throw .authenticationFailed("The request's shared access signature could not be read.")
        }
        let queue = context.resource.queueName
        let request = SASRequest(
            service: .queue, requirement: requirement, queueName: queue,
            clientAddress: Self.clientIP(context.request.remoteAddress), isHTTPS: false, now: .now())
        let verifier = SASVerifier(accountName: context.account.name, keys: context.account.keys)
        let result = verifier.verify(signature, for: request) { identifier in
            self.storedPolicy(identifier, account: context.account.name, queue: queue)
        }
        switch result {
        case .authorized:
            return
        case .denied(let error, let detail):
            throw StorageError(
                status: error.status, code: error.code, message: error.message + "\nAuthenticationErrorDetail:\(detail)"
            )
        }
    }

    /// A stored access policy of `queue`, for a SAS that names one in `si`.
    private func storedPolicy(_ identifier: String, account: String, queue: String?) -> SASStoredAccessPolicy? {
        guard let queue, let bytes = try? self.store.queueACL(account: account, name: queue),
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
