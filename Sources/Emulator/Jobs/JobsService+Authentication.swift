//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension JobsService {
    /// Refuses a command that proves no right to run: it must carry a valid `SharedKey` or
    /// `SharedKeyLite` signature by an account the emulator serves (signed by the Table rules,
    /// over `/<account>/v1/jobs/<command>`), or the configured bearer token, unless anonymous
    /// commands are allowed.
    ///
    /// Every refusal is 401 `UNAUTHORIZED` in the dialect's error format; the message says
    /// what was wrong without echoing any secret.
    func authenticate(_ request: HTTPServerRequest) throws(JobsError) {
        if self.allowsAnonymous {
            return
        }
        guard let headerValue = request.headers["Authorization"] else {
            throw Self.unauthorized(
                "The command carries no Authorization header; sign it with an account key (SharedKey) "
                    + (self.bearerToken == nil ? "" : "or send the service's bearer token ")
                    + "or start the emulator with --jobs-anonymous")
        }
        let bearerPrefix = "Bearer "
        if headerValue.hasPrefix(bearerPrefix) {
            let presented = Array(headerValue.utf8.dropFirst(bearerPrefix.utf8.count))
            // Constant time, so that timing does not reveal how much of a guess was right.
            guard let token = self.bearerToken, HMACSHA256.constantTimeEquals(presented, token) else {
                throw Self.unauthorized("The bearer token is not the service's token")
            }
            return
        }
        guard let authorization = SharedKeyAuthorization(headerValue: headerValue) else {
            throw Self.unauthorized(
                "The Authorization header is not 'SharedKey account:signature', 'SharedKeyLite account:signature' "
                    + "or 'Bearer token'")
        }
        guard let account = self.accounts.account(named: authorization.accountName) else {
            throw Self.unauthorized("The account '\(authorization.accountName)' is not served by this emulator")
        }
        do throws(StorageError) {
            _ = try self.authenticator.authenticate(request, account: account, query: QueryParameters())
        } catch {
            throw Self.unauthorized(error.message)
        }
    }

    /// A 401 refusal in the dialect's error format.
    private static func unauthorized(_ message: String) -> JobsError {
        JobsError(
            type: "UnauthorizedException", category: "Unauthorized", code: "UNAUTHORIZED", status: 401,
            message: message)
    }
}
