//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The Azure Queue service: turns HTTP requests into operations on a ``QueueStore``.
///
/// Requests arrive on libmicrohttpd's threads and are answered synchronously, so the store's
/// blocking SQLite calls never run on Swift's cooperative pool. Every failure becomes Azure's
/// XML error body, with the code also in `x-ms-error-code`. Azure's behaviour is followed where
/// Azurite differs: a stale pop receipt is 404 `MessageNotFound`, List Queues returns at most
/// 5000 queues, every `x-ms-version` is accepted.
package final class QueueService: StorageHTTPService {
    /// The largest request body: ample for a 64 KiB message escaped as XML, an ACL or the
    /// service properties. Larger ones get 413 `RequestBodyTooLarge`.
    package static let maximumBodyBytes = 1024 * 1024

    let store: QueueStore
    let accounts: AccountRegistry
    package let log: EmulatorLog
    private let authenticator = RequestAuthenticator(service: .queue)

    /// Creates the service over a store, serving the given accounts.
    package init(store: QueueStore, accounts: AccountRegistry, log: EmulatorLog) {
        self.store = store
        self.accounts = accounts
        self.log = log
    }

    /// The service's name in log lines.
    package let logName = "queue"
    /// A body over ``maximumBodyBytes``, refused in the Queue service's terms.
    package var bodyTooLargeError: any Error { QueueServiceError.bodyTooLarge(limit: Self.maximumBodyBytes) }

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
        -> QueueRequestContext
    {
        let query: QueryParameters
        do {
            query = try QueryParameters(encodedQuery: request.query)
        } catch {
            throw StorageError(
                status: 400, code: .invalidUri, message: "The request URI's query is not valid percent-encoding.")
        }
        var segments = request.path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: true)[...]
        guard let accountName = segments.popFirst().map(String.init),
            let account = self.accounts.account(named: accountName)
        else {
            throw .resourceNotFound()
        }
        let resource = try QueueResource(encodedPath: "/" + (segments.first.map(String.init) ?? ""))
        let host = request.headers["Host"] ?? "127.0.0.1"
        return QueueRequestContext(
            request: request, requestID: requestID, account: account, query: query, resource: resource,
            serviceEndpoint: "http://\(host)/\(account.name)/")
    }

    // MARK: - Dispatch

    private func dispatch(_ context: QueueRequestContext) throws -> HTTPServerResponse {
        let credential = try self.authenticator.authenticate(
            context.request, account: context.account, query: context.query)
        let method = context.request.method
        let comp = context.query["comp"]
        switch context.resource {
        case .service:
            if context.query["restype"] == "service" {
                return try self.serviceRequest(context, credential: credential)
            }
            guard comp == "list", method == "GET" else {
                throw comp == "list" ? StorageError.methodNotAllowed() : StorageError.invalidQueryParameterValue("comp")
            }
            try self.authorize(credential, context, .listQueues)
            return try self.listQueues(context)
        case .queue(let name):
            switch (comp, method) {
            case (nil, "PUT"):
                try self.authorize(credential, context, .createQueue)
                return try self.createQueue(context, name: name)
            case (nil, "DELETE"):
                try self.authorize(credential, context, .deleteQueue)
                return try self.deleteQueue(context, name: name)
            case ("metadata", "GET"), ("metadata", "HEAD"):
                try self.authorize(credential, context, .getQueueMetadata)
                return try self.getQueueMetadata(context, name: name)
            case ("metadata", "PUT"):
                try self.authorize(credential, context, .setQueueMetadata)
                return try self.setQueueMetadata(context, name: name)
            case ("acl", "GET"), ("acl", "HEAD"):
                try self.authorize(credential, context, .queueAccessPolicy)
                return try self.getQueueACL(context, name: name)
            case ("acl", "PUT"):
                try self.authorize(credential, context, .queueAccessPolicy)
                return try self.setQueueACL(context, name: name)
            case (nil, _), ("metadata", _), ("acl", _):
                throw StorageError.methodNotAllowed()
            default:
                throw StorageError.invalidQueryParameterValue("comp")
            }
        case .messages(let queue):
            switch method {
            case "POST":
                try self.authorize(credential, context, .putMessage)
                return try self.putMessage(context, queue: queue)
            case "GET" where context.query["peekonly"]?.lowercased() == "true":
                try self.authorize(credential, context, .peekMessages)
                return try self.peekMessages(context, queue: queue)
            case "GET":
                try self.authorize(credential, context, .getMessages)
                return try self.getMessages(context, queue: queue)
            case "DELETE":
                try self.authorize(credential, context, .clearMessages)
                return try self.clearMessages(context, queue: queue)
            default:
                throw StorageError.methodNotAllowed()
            }
        case .message(let queue, let messageID):
            switch method {
            case "DELETE":
                try self.authorize(credential, context, .deleteMessage)
                return try self.deleteMessage(context, queue: queue, messageID: messageID)
            case "PUT":
                try self.authorize(credential, context, .updateMessage)
                return try self.updateMessage(context, queue: queue, messageID: messageID)
            default:
                throw StorageError.methodNotAllowed()
            }
        }
    }

    // MARK: - Responses

    /// An XML body with `Content-Type: application/xml`.
    static func xmlResponse(status: Int, body: [UInt8], headers: HTTPHeaders = [:]) -> HTTPServerResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/xml")
        return HTTPServerResponse(status: status, headers: headers, body: body)
    }

    /// Turns any error into Azure's XML error response.
    package func errorResponse(_ error: any Error, request: HTTPServerRequest, requestID: String) -> HTTPServerResponse
    {
        let detailed: QueueServiceError
        if let error = error as? QueueServiceError {
            detailed = error
        } else if let error = error as? StorageError {
            detailed = QueueServiceError(error)
        } else {
            self.log.log(.error, "queue: internal error for \(request.method) \(request.target): \(error)")
            detailed = QueueServiceError(.internalError())
        }
        let message =
            detailed.error.message + "\nRequestId:\(requestID)\nTime:\(PreciseTimestamp.now().iso8601)"
        let body = StorageErrorXML.encode(
            code: detailed.error.code.rawValue, message: message, details: detailed.details)
        return Self.xmlResponse(
            status: detailed.error.status, body: body, headers: ["x-ms-error-code": detailed.error.code.rawValue])
    }

    /// Runs a store call, turning a database failure into 500 `InternalError`.
    func storeCall<Result>(_ body: () throws(SQLiteError) -> Result) throws(StorageError) -> Result {
        do {
            return try body()
        } catch {
            self.log.log(.error, "queue store: \(error)")
            throw .internalError()
        }
    }
}
