//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// `GET /health` on every service port: 200 `{"status":"ok"}`, the one answer given without
/// authentication.
///
/// It tells a supervisor or a load test that the service is up and answering, and nothing else:
/// no account, table, queue or job is named or touched. Only the exact target `/health` (no
/// query) with `GET` or `HEAD` matches, so it cannot shadow a storage request — those always
/// name a resource or carry a query after the account.
enum HealthEndpoint {
    /// The path the endpoint answers on.
    static let path = "/health"

    /// The health answer if `request` asks for it, otherwise `nil`.
    static func response(to request: HTTPServerRequest) -> HTTPServerResponse? {
        guard request.target == Self.path, request.method == "GET" || request.method == "HEAD" else {
            return nil
        }
        let body = JSONWriter.bytes(.object([JSONMember("status", .string("ok"))]))
        return HTTPServerResponse(
            status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-cache"], body: body)
    }
}
