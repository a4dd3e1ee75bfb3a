//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// A storage service speaking Azure's REST dialect over HTTP — Table or Queue — seen from the
/// server: what every one of its answers shares, around what only the service knows.
///
/// The envelope is the same for both: `/health` answered without credentials, a fresh request
/// id, the headers every storage answer carries, no body on `HEAD`, one log line per request,
/// and the refusals the HTTP layer asks for before a request is handled (body too large, at
/// capacity, target too long), each in the service's own error format.
package protocol StorageHTTPService: Sendable {
    /// The service's name in log lines: `table` or `queue`.
    var logName: String { get }
    /// Where requests and failures are reported.
    var log: EmulatorLog { get }
    /// The largest request body the service reads; larger ones get ``bodyTooLargeError``.
    static var maximumBodyBytes: Int { get }
    /// The refusal of a body larger than the service accepts, in its own terms.
    var bodyTooLargeError: any Error { get }

    /// Parses, authenticates and runs `request`.
    ///
    /// - Parameter accountName: Set as soon as the request's account is known, so that the log
    ///   line names it even when the operation then fails.
    func respond(to request: HTTPServerRequest, requestID: String, accountName: inout String?) throws
        -> HTTPServerResponse

    /// The service's error answer for `error`: its status, code and body format.
    func errorResponse(_ error: any Error, request: HTTPServerRequest, requestID: String) -> HTTPServerResponse
}

extension StorageHTTPService {
    /// Answers one request.
    package func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if var health = HealthEndpoint.response(to: request) {
            if request.method == "HEAD" { health.body = [] }
            return health
        }
        let requestID = RandomIdentifier.uuidString()
        var response: HTTPServerResponse
        var accountName: String?
        do {
            response = try self.respond(to: request, requestID: requestID, accountName: &accountName)
        } catch {
            response = self.errorResponse(error, request: request, requestID: requestID)
        }
        response.addStorageHeaders(for: request, requestID: requestID)
        if request.method == "HEAD" { response.body = [] }
        self.log.log(
            .info,
            "\(self.logName) \(accountName ?? "-") \(request.method) \(request.target) -> \(response.status)"
                + (response.headers["x-ms-error-code"].map { " \($0)" } ?? ""))
        return response
    }

    /// The answer to a body over the service's limit, given before the body is read.
    package func oversizedBodyResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let requestID = RandomIdentifier.uuidString()
        var response = self.errorResponse(self.bodyTooLargeError, request: request, requestID: requestID)
        response.addStorageHeaders(for: request, requestID: requestID)
        return response
    }

    /// The answer to a request arriving while the server is at capacity: 503 `ServerBusy`.
    package func serverBusyResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        self.refusal(.serverBusy(), request: request)
    }

    /// The answer to a request whose target is too long: 414 `InvalidUri`.
    package func targetTooLongResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        self.refusal(.targetTooLong(), request: request)
    }

    private func refusal(_ error: StorageError, request: HTTPServerRequest) -> HTTPServerResponse {
        let requestID = RandomIdentifier.uuidString()
        var response = self.errorResponse(error, request: request, requestID: requestID)
        response.addStorageHeaders(for: request, requestID: requestID)
        // Info, not warning: under overload a line per refusal would add disk writes to the load.
        self.log.log(
            .info, "\(self.logName) \(request.method) \(request.target) -> \(response.status) \(error.code.rawValue)")
        return response
    }
}
