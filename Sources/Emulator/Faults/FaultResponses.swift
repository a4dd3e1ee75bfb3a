//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The answers injected faults give, each in its service's own error format.
///
/// Table answers Azure's JSON `odata.error`, Queue Azure's XML `<Error>`, and Jobs the
/// pip-services error description — exactly what each service sends for a real failure, so
/// clients cannot tell an injected fault from a genuine one.
enum FaultResponses {
    /// Azure's wording for 503 `ServerBusy`.
    static let serverBusyMessage = "The server is currently unable to receive requests. Please retry your request."

    /// 503 `ServerBusy`, sent without running the request.
    static func serverBusy(_ service: FaultSpec.Service, request: HTTPServerRequest) -> HTTPServerResponse {
        switch service {
        case .table, .queue:
            let error = StorageError(status: 503, code: .serverBusy, message: Self.serverBusyMessage)
            return Self.storageResponse(error, service: service, request: request)
        case .jobs:
            return Self.jobsResponse(
                JobsError(
                    type: "ConnectionException", category: "NoResponse", code: "SERVER_BUSY", status: 503,
                    message: "The server is busy and did not run the command; retry it"),
                request: request)
        }
    }

    /// 500 `InternalError`, sent without running the request.
    static func internalError(_ service: FaultSpec.Service, request: HTTPServerRequest) -> HTTPServerResponse {
        switch service {
        case .table, .queue:
            return Self.storageResponse(.internalError(), service: service, request: request)
        case .jobs:
            return Self.jobsResponse(.internalError("The service failed while running the command"), request: request)
        }
    }

    private static func storageResponse(
        _ error: StorageError, service: FaultSpec.Service, request: HTTPServerRequest
    ) -> HTTPServerResponse {
        let requestID = UUID().uuidString.lowercased()
        var response: HTTPServerResponse
        if service == .table {
            response = TableService.errorResponse(error, requestID: requestID)
        } else {
            let message = error.message + "\nRequestId:\(requestID)\nTime:\(PreciseTimestamp.now().iso8601)"
            response = QueueService.xmlResponse(
                status: error.status,
                body: StorageErrorXML.encode(code: error.code.rawValue, message: message, details: []),
                headers: ["x-ms-error-code": error.code.rawValue])
            if request.method == "HEAD" { response.body = [] }
        }
        response.addStorageHeaders(for: request, requestID: requestID)
        return response
    }

    private static func jobsResponse(_ error: JobsError, request: HTTPServerRequest) -> HTTPServerResponse {
        var error = error
        let query = try? QueryParameters(encodedQuery: request.query)
        error.correlationId = query?["correlation_id"] ?? request.headers["correlation_id"]
        return HTTPServerResponse(
            status: error.status, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(error.json))
    }
}
