//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueService {
    /// Create Queue: 201 when new, 204 when it exists with the same metadata, else 409.
    func createQueue(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let metadata = try QueueValidation.metadata(from: context.request.headers)
        let account = context.account.name
        let creation = try self.storeCall { () throws(SQLiteError) in
            try self.store.createQueue(account: account, name: name, metadata: metadata)
        }
        switch creation {
        case .created: return HTTPServerResponse(status: 201)
        case .existedWithSameMetadata: return HTTPServerResponse(status: 204)
        case .existedWithOtherMetadata:
            throw StorageError(status: 409, code: .queueAlreadyExists, message: "The specified queue already exists.")
        }
    }

    /// Delete Queue: 204, or 404 `QueueNotFound`.
    func deleteQueue(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let account = context.account.name
        guard try self.storeCall({ () throws(SQLiteError) in try self.store.deleteQueue(account: account, name: name) })
        else { throw .queueNotFound() }
        return HTTPServerResponse(status: 204)
    }

    /// Get Queue Metadata (GET or HEAD): the metadata as `x-ms-meta-*` headers and the
    /// approximate message count.
    func getQueueMetadata(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let account = context.account.name
        guard
            let properties = try self.storeCall({ () throws(SQLiteError) in
                try self.store.queueProperties(account: account, name: name)
            })
        else { throw .queueNotFound() }
        var headers: HTTPHeaders = ["x-ms-approximate-messages-count": String(properties.messageCount)]
        for entry in properties.metadata {
            headers.add(name: "x-ms-meta-\(entry.name)", value: entry.value)
        }
        return HTTPServerResponse(status: 200, headers: headers)
    }

    /// Set Queue Metadata: replaces the whole set.
    func setQueueMetadata(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let metadata = try QueueValidation.metadata(from: context.request.headers)
        let account = context.account.name
        guard
            try self.storeCall({ () throws(SQLiteError) in
                try self.store.setQueueMetadata(account: account, name: name, metadata: metadata)
            })
        else { throw .queueNotFound() }
        return HTTPServerResponse(status: 204)
    }

    /// List Queues: sorted by name, filtered by `prefix`, paged by an opaque `marker`, at most
    /// 5000 per page.
    func listQueues(_ context: QueueRequestContext) throws -> HTTPServerResponse {
        let query = context.query
        let prefix = query["prefix"] ?? ""
        let requested = try QueueValidation.integer(query, "maxresults", in: 1...Int64(Int32.max), default: nil)
        let limit = min(Int(requested ?? Int64(QueueValidation.maximumListResults)), QueueValidation.maximumListResults)
        var after: String?
        if let marker = query["marker"], !marker.isEmpty {
            guard let name = Self.decodeMarker(marker) else {
                throw StorageError(status: 400, code: .invalidMarker, message: "The specified marker is invalid.")
            }
            after = name
        }
        let includeMetadata = (query["include"] ?? "").split(separator: ",").contains { $0 == "metadata" }
        let account = context.account.name
        let page = try self.storeCall { () throws(SQLiteError) in
            try self.store.listQueues(account: account, prefix: prefix, after: after, limit: limit)
        }
        let document = QueueListPage(
            serviceEndpoint: context.serviceEndpoint, prefix: query["prefix"], marker: query["marker"],
            maxResults: requested.map { Int($0) },
            queues: page.queues.map { QueueListItem(name: $0.name, metadata: includeMetadata ? $0.metadata : nil) },
            nextMarker: page.hasMore ? page.queues.last.map { Self.encodeMarker(after: $0.name) } : nil)
        return Self.xmlResponse(status: 200, body: QueueListXML.encode(document))
    }

    /// Get Queue ACL: the stored access policies as XML.
    func getQueueACL(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let account = context.account.name
        guard try self.storeCall({ () throws(SQLiteError) in try self.store.queueExists(account: account, name: name) })
        else { throw .queueNotFound() }
        let bytes = try self.storeCall { () throws(SQLiteError) in try self.store.queueACL(account: account, name: name)
        }
        let identifiers = try bytes.map { (bytes) throws(StorageError) in try SignedIdentifier.parseList(bytes) } ?? []
        return Self.xmlResponse(status: 200, body: Array(SignedIdentifier.xml(for: identifiers).utf8))
    }

    /// Set Queue ACL: up to five signed identifiers with permissions from `raup`.
    func setQueueACL(_ context: QueueRequestContext, name: String) throws(StorageError) -> HTTPServerResponse {
        let identifiers = try SignedIdentifier.parseList(context.request.body)
        for identifier in identifiers {
            guard (identifier.permission ?? "").allSatisfy({ "raup".contains($0) }) else {
                throw StorageError(
                    status: 400, code: .invalidXmlDocument,
                    message: "XML specified is not syntactically valid.\nDetail: queue permissions are letters of "
                        + "'raup'.")
            }
        }
        let canonical = Array(SignedIdentifier.xml(for: identifiers).utf8)
        let account = context.account.name
        guard
            try self.storeCall({ () throws(SQLiteError) in
                try self.store.setQueueACL(account: account, name: name, signedIdentifiers: canonical)
            })
        else { throw .queueNotFound() }
        return HTTPServerResponse(status: 204)
    }

    /// The marker after `name`: the name in base64 so that clients treat it as opaque.
    private static func encodeMarker(after name: String) -> String {
        "1!" + Data(name.utf8).base64EncodedString()
    }

    private static func decodeMarker(_ marker: String) -> String? {
        guard marker.hasPrefix("1!"), let data = Data(base64Encoded: String(marker.dropFirst(2))),
            let name = String(data: data, encoding: .utf8)
        else { return nil }
        return name
    }
}
