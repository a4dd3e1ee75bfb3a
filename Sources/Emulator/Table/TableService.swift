//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The Azure Table service: turns HTTP requests into operations on a ``TableStore``.
///
/// Requests arrive on libmicrohttpd's threads and are answered synchronously; the store's
/// blocking SQLite calls therefore never run on Swift's cooperative pool. Every failure becomes
/// an Azure-shaped error response: JSON `odata.error` with the code also in `x-ms-error-code`.
package final class TableService: StorageHTTPService {
    /// The largest request body, a 4 MiB batch; larger ones get 413 `RequestBodyTooLarge`.
    package static let maximumBodyBytes = 4 * 1024 * 1024

    let store: TableStore
    let accounts: AccountRegistry
    package let log: EmulatorLog
    private let authenticator = RequestAuthenticator(service: .table)

    /// Creates the service over a store, serving the given accounts.
    package init(store: TableStore, accounts: AccountRegistry, log: EmulatorLog) {
        self.store = store
        self.accounts = accounts
        self.log = log
    }

    /// The service's name in log lines.
    package let logName = "table"
    /// A body over ``maximumBodyBytes``, refused in the Table service's terms.
    package var bodyTooLargeError: any Error { StorageError.requestBodyTooLarge(limit: Self.maximumBodyBytes) }

    /// Parses, authenticates and runs one request.
    package func respond(to request: HTTPServerRequest, requestID: String, accountName: inout String?) throws
        -> HTTPServerResponse
    {
        let context = try self.makeContext(request, requestID: requestID)
        accountName = context.account.name
        return try self.dispatch(context)
    }

    // MARK: - Envelope

    private func makeContext(_ request: HTTPServerRequest, requestID: String) throws(StorageError)
        -> TableRequestContext
    {
        let query: QueryParameters
        do {
            query = try QueryParameters(encodedQuery: request.query)
        } catch {
            throw .invalidInput("The request URI's query is not valid percent-encoding.")
        }
        var segments = request.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)[...]
        guard let accountName = segments.popFirst().map(String.init),
            let account = self.accounts.account(named: accountName)
        else {
            throw .resourceNotFound()
        }
        try self.checkVersion(request.headers["x-ms-version"])
        let method = try Self.effectiveMethod(of: request)
        let resource = try TableResource(encodedPath: "/" + (segments.first.map(String.init) ?? ""))
        let host = request.headers["Host"] ?? "127.0.0.1"
        let context = TableRequestContext(
            request: request, requestID: requestID, account: account, query: query, method: method,
            resource: resource, baseURL: "http://\(host)/\(account.name)")
        return context
    }

    /// Resolves `X-HTTP-Method` tunnelling: POST carrying GET, MERGE, PATCH or DELETE.
    private static func effectiveMethod(of request: HTTPServerRequest) throws(StorageError) -> String {
        let tunnelled = request.headers.values(for: "X-HTTP-Method")
        guard !tunnelled.isEmpty else { return request.method }
        guard tunnelled.count == 1 else {
            throw StorageError(
                status: 400, code: .xMethodIncorrectCount, message: "More than one X-HTTP-Method is specified.")
        }
        guard request.method == "POST" else {
            throw StorageError(
                status: 400, code: .xMethodNotUsingPost,
                message: "The request uses X-HTTP-Method with an HTTP verb other than POST.")
        }
        let method = tunnelled[0].uppercased()
        guard ["GET", "MERGE", "PATCH", "DELETE"].contains(method) else {
            throw StorageError(
                status: 400, code: .xMethodIncorrectValue, message: "The specified X-HTTP-Method is invalid.")
        }
        return method
    }

    /// Accepts every version from 2013-08-15 on (the first with JSON), and a missing header.
    private func checkVersion(_ version: String?) throws(StorageError) {
        guard let version else { return }
        let pieces = version.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard version.utf8.count == 10, pieces.count == 3, let year = pieces[0], let month = pieces[1],
            let day = pieces[2],
            CivilTime(year: year, month: month, day: day, hour: 0, minute: 0, second: 0).secondsSinceEpoch != nil
        else {
            throw .invalidHeaderValue("x-ms-version")
        }
        guard version >= "2013-08-15" else {
            throw StorageError(
                status: 400, code: .invalidHeaderValue,
                message: "The x-ms-version \(version) is older than 2013-08-15, the first version that speaks JSON.")
        }
    }

    // MARK: - Dispatch

    private func dispatch(_ context: TableRequestContext) throws(StorageError) -> HTTPServerResponse {
        let credential = try self.authenticator.authenticate(
            context.request, account: context.account, query: context.query)
        switch (context.resource, context.method) {
        case (.tables, "GET"):
            try self.authorize(credential, context, .queryTables)
            return try self.queryTables(context)
        case (.tables, "POST"):
            try self.authorize(credential, context, .createTable)
            return try self.createTable(context)
        case (.table(let name), "DELETE"):
            try self.authorize(credential, context, .deleteTable, table: name)
            return try self.deleteTable(context, name: name)
        case (.batch, "POST"):
            return try self.batch(context, credential: credential)
        case (.entities(let table), "GET") where context.query["comp"] == "acl":
            try self.authorize(credential, context, .tableAccessPolicy, table: table)
            return try self.getTableACL(context, table: table)
        case (.entities(let table), "PUT") where context.query["comp"] == "acl":
            try self.authorize(credential, context, .tableAccessPolicy, table: table)
            return try self.setTableACL(context, table: table)
        case (.entities(let table), "GET"):
            let grant = try self.authorize(credential, context, .queryEntities, table: table)
            return try self.queryEntities(context, table: table, keyRange: grant?.keyRange)
        case (.entities(let table), "POST"):
            return try self.insertEntity(context, table: table, credential: credential)
        case (.entity(let table, let partitionKey, let rowKey), _):
            let key = EntityAddress(table: table, partitionKey: partitionKey, rowKey: rowKey)
            return try self.entityRequest(context, address: key, credential: credential)
        case (.service, _):
            return try self.serviceRequest(context, credential: credential)
        default:
            throw .methodNotAllowed()
        }
    }

    // MARK: - Responses

    /// A JSON body answered with the metadata level's content type.
    func jsonResponse(
        status: Int, body: [UInt8], metadata: ODataMetadata, headers: HTTPHeaders = [:]
    ) -> HTTPServerResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: metadata.responseContentType)
        headers.replaceOrAdd(name: "DataServiceVersion", value: "3.0;")
        return HTTPServerResponse(status: status, headers: headers, body: body)
    }

    /// Turns any error into Azure's JSON error response.
    package func errorResponse(_ error: any Error, request: HTTPServerRequest, requestID: String) -> HTTPServerResponse
    {
        let storageError: StorageError
        if let error = error as? StorageError {
            storageError = error
        } else {
            self.log.log(.error, "table: internal error for \(request.method) \(request.target): \(error)")
            storageError = .internalError()
        }
        return Self.errorResponse(storageError, requestID: requestID)
    }

    /// Azure's error shape: `{"odata.error":{"code":…,"message":{"lang":"en-US","value":…}}}`,
    /// the message followed by the request id and time as Azure writes them.
    static func errorResponse(_ error: StorageError, requestID: String, messagePrefix: String = "")
        -> HTTPServerResponse
    {
        let value =
            messagePrefix + error.message + "\nRequestId:\(requestID)\nTime:\(PreciseTimestamp.now().iso8601)"
        let body = JSONValue.object([
            JSONMember(
                "odata.error",
                .object([
                    JSONMember("code", .string(error.code.rawValue)),
                    JSONMember(
                        "message", .object([JSONMember("lang", .string("en-US")), JSONMember("value", .string(value))])),
                ]))
        ])
        let headers: HTTPHeaders = [
            "Content-Type": ODataMetadata.minimalMetadata.responseContentType,
            "x-ms-error-code": error.code.rawValue,
            "DataServiceVersion": "3.0;",
        ]
        return HTTPServerResponse(status: error.status, headers: headers, body: JSONWriter.bytes(body))
    }
}
