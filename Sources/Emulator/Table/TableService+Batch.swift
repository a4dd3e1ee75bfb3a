//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension TableService {
    /// The most operations one changeset may hold.
    static let maximumBatchOperations = 100

    /// A failed operation of a changeset: which one, and why.
    private struct BatchFailure: Error {
        var index: Int
        var contentID: String?
        var error: StorageError
    }

    /// Entity Group Transaction: `POST /$batch` with one changeset of up to 100 writes to one
    /// partition, applied all together or not at all in one store transaction.
    ///
    /// A well-formed envelope is always answered 202; a failed operation is reported inside it,
    /// alone, with its 0-based index prefixed to the message, as Azure does and the SDKs parse.
    func batch(_ context: TableRequestContext, credential: RequestCredential) throws(StorageError) -> HTTPServerResponse
    {
        guard let boundary = context.header("Content-Type").flatMap(MultipartMixed.boundary(fromContentType:)) else {
            throw .invalidInput("A batch request needs Content-Type multipart/mixed with a boundary.")
        }
        let outerParts = try MultipartMixed.parse(context.request.body, boundary: boundary)
        guard outerParts.count == 1,
            let changesetBoundary = outerParts[0].headers["Content-Type"].flatMap(
                MultipartMixed.boundary(fromContentType:))
        else {
            throw .invalidInput("A batch request must hold exactly one changeset.")
        }
        let parts = try MultipartMixed.parse(outerParts[0].body, boundary: changesetBoundary)
        let metadataAccept = context.header("Accept")

        let outcomes: [(BatchOperation, EntityWrite.Outcome)]
        do {
            let operations = try self.readOperations(parts, context: context, credential: credential)
            outcomes = try self.apply(operations, account: context.account.name)
        } catch let failure as BatchFailure {
            return self.batchFailureResponse(failure, context: context)
        } catch {
            throw .internalError()
        }

        var responseParts: [MultipartMixed.Part] = []
        for (operation, outcome) in outcomes {
            let accept = operation.accept ?? metadataAccept
            responseParts.append(self.successPart(operation, outcome, accept: accept, context: context))
        }
        return Self.batchResponse(responseParts)
    }

    private func readOperations(
        _ parts: [MultipartMixed.Part], context: TableRequestContext, credential: RequestCredential
    ) throws(BatchFailure) -> [BatchOperation] {
        guard parts.count <= Self.maximumBatchOperations else {
            throw BatchFailure(
                index: 0, contentID: nil,
                error: .invalidInput("The batch request operation exceeds the maximum 100 changes per change set."))
        }
        guard !parts.isEmpty else {
            throw BatchFailure(index: 0, contentID: nil, error: .invalidInput("The changeset holds no operations."))
        }
        var operations: [BatchOperation] = []
        var seenRows = Set<String>()
        for (index, part) in parts.enumerated() {
            do {
                let operation = try BatchOperation(part: part, account: context.account.name)
                let address = operation.write.address
                if let first = operations.first?.write.address {
                    guard address.table.lowercased() == first.table.lowercased() else {
                        throw StorageError.invalidInput("All operations of a changeset must address one table.")
                    }
                    guard address.partitionKey == first.partitionKey else {
                        throw StorageError(
                            status: 400, code: "CommandsInBatchActOnDifferentPartitions",
                            message: "All commands in a batch must operate on the same entity group.")
                    }
                }
                guard seenRows.insert(address.rowKey).inserted else {
                    throw StorageError(
                        status: 400, code: .invalidDuplicateRow,
                        message: "The batch request contains multiple changes with same row key. An entity can appear "
                            + "only once in a batch request.")
                }
                try self.authorize(
                    credential, context, operation.write.sasRequirement, table: address.table,
                    partitionKey: address.partitionKey, rowKey: address.rowKey)
                operations.append(operation)
            } catch let error as StorageError {
                throw BatchFailure(index: index, contentID: Self.contentID(of: part), error: error)
            } catch {
                throw BatchFailure(index: index, contentID: nil, error: .internalError())
            }
        }
        return operations
    }

    private func apply(
        _ operations: [BatchOperation], account: String
    ) throws -> [(BatchOperation, EntityWrite.Outcome)] {
        try self.store.transaction { transaction in
            var outcomes: [(BatchOperation, EntityWrite.Outcome)] = []
            for (index, operation) in operations.enumerated() {
                do {
                    outcomes.append((operation, try operation.write.apply(in: transaction, account: account)))
                } catch let error as StorageError {
                    throw BatchFailure(index: index, contentID: operation.contentID, error: error)
                }
            }
            return outcomes
        }
    }

    private func successPart(
        _ operation: BatchOperation, _ outcome: EntityWrite.Outcome, accept: String?, context: TableRequestContext
    ) -> MultipartMixed.Part {
        var lines: [String] = []
        var body: [UInt8] = []
        let address = operation.write.address
        let wantsNoContent = operation.prefer?.lowercased().contains("return-no-content") ?? false
        if operation.write.kind == .insert, let entity = outcome.entity, !wantsNoContent {
            let metadata = ODataMetadata(acceptHeader: accept, formatParameter: nil) ?? .minimalMetadata
            let entityContext = EntityJSONContext(
                baseURL: context.baseURL, accountName: context.account.name, tableName: address.table)
            body = JSONWriter.bytes(EntityJSON.encode(entity, metadata: metadata, context: entityContext))
            lines.append("HTTP/1.1 201 Created")
            lines.append("Content-Type: \(metadata.responseContentType)")
        } else {
            lines.append("HTTP/1.1 204 No Content")
        }
        if let contentID = operation.contentID { lines.append("Content-ID: \(contentID)") }
        lines.append("X-Content-Type-Options: nosniff")
        lines.append("Cache-Control: no-cache")
        lines.append("DataServiceVersion: \(body.isEmpty ? "1.0;" : "3.0;")")
        if operation.write.kind == .insert, let entity = outcome.entity {
            let location =
                "\(context.baseURL)/"
                + EntityJSON.entityPath(table: address.table, partitionKey: entity.partitionKey, rowKey: entity.rowKey)
            lines.append("Location: \(location)")
            lines.append("DataServiceId: \(location)")
            if wantsNoContent { lines.append("Preference-Applied: return-no-content") }
        }
        if let etag = outcome.entity?.etag { lines.append("ETag: \(etag)") }
        return Self.embeddedResponsePart(lines: lines, body: body)
    }

    private func batchFailureResponse(_ failure: BatchFailure, context: TableRequestContext) -> HTTPServerResponse {
        let errorResponse = Self.errorResponse(
            failure.error, requestID: context.requestID, messagePrefix: "\(failure.index):")
        var lines = ["HTTP/1.1 \(failure.error.status) \(Self.reasonPhrase(failure.error.status))"]
        if let contentID = failure.contentID { lines.append("Content-ID: \(contentID)") }
        lines.append("X-Content-Type-Options: nosniff")
        lines.append("DataServiceVersion: 3.0;")
        lines.append("Content-Type: \(ODataMetadata.minimalMetadata.responseContentType)")
        return Self.batchResponse([Self.embeddedResponsePart(lines: lines, body: errorResponse.body)])
    }

    private static func embeddedResponsePart(lines: [String], body: [UInt8]) -> MultipartMixed.Part {
        let text = lines.joined(separator: "\r\n") + "\r\n\r\n"
        return MultipartMixed.Part(
            headers: ["Content-Type": "application/http", "Content-Transfer-Encoding": "binary"],
            body: Array(text.utf8) + body)
    }

    /// Wraps changeset response parts in the batch response envelope.
    private static func batchResponse(_ parts: [MultipartMixed.Part]) -> HTTPServerResponse {
        let changesetBoundary = "changesetresponse_\(RandomIdentifier.uuidString())"
        let batchBoundary = "batchresponse_\(RandomIdentifier.uuidString())"
        let changeset = MultipartMixed.Part(
            headers: ["Content-Type": "multipart/mixed; boundary=\(changesetBoundary)"],
            body: MultipartMixed.write(parts, boundary: changesetBoundary))
        let body = MultipartMixed.write([changeset], boundary: batchBoundary)
        return HTTPServerResponse(
            status: 202,
            headers: ["Content-Type": "multipart/mixed; boundary=\(batchBoundary)", "DataServiceVersion": "3.0;"],
            body: body)
    }

    private static func contentID(of part: MultipartMixed.Part) -> String? {
        if let contentID = part.headers["Content-ID"] { return contentID }
        guard let (lines, _) = try? MultipartMixed.headerLines(part.body) else { return nil }
        for line in lines.dropFirst() where line.lowercased().hasPrefix("content-id:") {
            return String(line.dropFirst("content-id:".count)).trimmingSpaces
        }
        return nil
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 412: "Precondition Failed"
        case 413: "Request Entity Too Large"
        case 500: "Internal Server Error"
        default: "Error"
        }
    }
}
