//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// Checks a request's shared-key signature and date, the same way for every service.
///
/// Anonymous requests are refused: Azure Tables and Queues allow none. A request carrying a SAS
/// (`sig` in the query) is passed on for the per-operation SAS check.
struct RequestAuthenticator: Sendable {
    /// The service whose signing rules apply.
    let service: StorageService
    /// How far a request's date may be from the emulator's clock; Azure allows 15 minutes.
    let maximumClockSkew: TimeInterval = 15 * 60

    func authenticate(
        _ request: HTTPServerRequest, account: EmulatorAccount, query: QueryParameters, now: Date = Date()
    ) throws(StorageError) -> RequestCredential {
        guard let headerValue = request.headers["Authorization"] else {
            if let signature = query["sig"], !signature.isEmpty {
                return .sharedAccessSignature(query)
            }
            throw .authenticationFailed("The request carries neither an Authorization header nor a signature.")
        }
        guard let authorization = SharedKeyAuthorization(headerValue: headerValue) else {
            throw StorageError(
                status: 403, code: .authenticationFailed,
                message: "The Authorization header is not 'SharedKey account:signature' or 'SharedKeyLite "
                    + "account:signature'.")
        }
        guard authorization.accountName == account.name else {
            throw .authenticationFailed(
                "The account in the Authorization header, '\(authorization.accountName)', is not the account "
                    + "in the URL, '\(account.name)'.")
        }
        try self.checkDate(of: request, now: now)

        let signable: SignableRequest
        do {
            signable = try SignableRequest(method: request.method, target: request.target, headers: request.headers)
        } catch {
            throw .authenticationFailed("The request URL's query is not valid percent-encoding.")
        }
        let signer = SharedKeySigner(service: self.service, scheme: authorization.scheme)
        guard account.keys.contains(where: { signer.isValid(authorization, for: signable, key: $0) }) else {
            throw .authenticationFailed(
                "The MAC signature found in the HTTP request is not the same as any computed signature.")
        }
        return .sharedKey
    }

    /// Refuses a request without a date, or dated too far from now, as Azure does to limit
    /// the replay of captured requests.
    private func checkDate(of request: HTTPServerRequest, now: Date) throws(StorageError) {
        guard let text = request.headers["x-ms-date"] ?? request.headers["Date"] else {
            throw .authenticationFailed("Neither x-ms-date nor Date is present.")
        }
        guard let date = HTTPDate.date(from: text) else {
            throw .authenticationFailed("The date '\(text)' is not in RFC 1123 format.")
        }
        guard abs(date.timeIntervalSince(now)) <= self.maximumClockSkew else {
            throw .authenticationFailed(
                "The request date \(text) is more than 15 minutes away from the server time "
                    + "\(HTTPDate.string(from: now)).")
        }
    }
}
