//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension TableClient {
    /// Applies up to 100 writes to one partition atomically: all of them, or none.
    ///
    /// Sent as one entity group transaction: `POST /$batch` with a `multipart/mixed` body laid
    /// out byte for byte as `azure-data-tables` writes it, one changeset, parts numbered from 0.
    ///
    /// - Parameter actions: The writes, all with the same partition key and each row at most
    ///   once. An empty array sends nothing and returns no results.
    /// - Returns: One result per action, in order: the new ETag and timestamp (an empty ETag for
    ///   a delete) and the service's clock. Inserts are sent with `Prefer: return-no-content`,
    ///   so no result carries an entity.
    /// - Throws: ``TableTransactionError`` when one action failed, naming it by its index, with
    ///   the reason (such as 409 `EntityAlreadyExists` or 412 `UpdateConditionNotSatisfied`);
    ///   nothing was applied. ``StorageCore/StorageError`` when the service refused the whole
    ///   request (403 for a bad signature, 413 for a body over 4 MiB). The transport's
    ///   ``TransportError`` when no answer came: the transaction may or may not have been
    ///   applied, as a whole.
    public func submitTransaction(_ actions: [TableTransactionAction]) async throws -> [TableWriteResult] {
        guard !actions.isEmpty else { return [] }
        let endpoint = try self.pipeline.serviceEndpoint()
        let now = Date()
        let batch = TableBatchRequest(actions: actions, client: self, endpoint: endpoint, date: now)
        let response = try await self.pipeline.send(
            StorageRequest(
                method: "POST", path: "/$batch",
                headers: ["Content-Type": batch.contentType, "Accept": "application/json"], body: batch.body),
            now: now)
        guard response.status == 202,
            let parsed = TableBatchResponse(contentType: response.headers["Content-Type"], body: response.body)
        else {
            throw StorageResponseError(
                status: response.status, message: "The transaction response is not a multipart/mixed document.",
                requestID: response.requestID)
        }
        if let failed = parsed.parts.firstIndex(where: { !(200..<300).contains($0.status) }) {
            throw Self.transactionError(parsed.parts[failed], position: failed, requestID: response.requestID)
        }
        guard parsed.parts.count == actions.count else {
            throw StorageResponseError(
                status: response.status,
                message: "The transaction response holds \(parsed.parts.count) results for \(actions.count) actions.",
                requestID: response.requestID)
        }
        let serverDate = response.serverDate
        return parsed.parts.map { part in
            let etag = part.headers["ETag"] ?? ""
            return TableWriteResult(etag: etag, timestamp: TableETag.timestamp(from: etag), serverDate: serverDate)
        }
    }

    /// The error of a failed action's response part.
    ///
    /// The service prefixes the message with the failing action's 0-based index (`1:The
    /// specified resource does not exist.`); the prefix becomes the index and leaves the
    /// message. Without one, the part's position stands in, which is right when the service
    /// returned only the failing part for a one-action transaction or every part in order.
    private static func transactionError(
        _ part: TableBatchResponse.Part, position: Int, requestID: String?
    ) -> TableTransactionError {
        var error = StorageError(status: part.status, headers: part.headers, body: part.body)
        if error.requestID == nil { error.requestID = requestID }
        var index = position
        if let colon = error.message.firstIndex(of: ":"),
            case let prefix = error.message[..<colon], !prefix.isEmpty,
            prefix.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int(prefix)
        {
            index = number
            error.message = String(error.message[error.message.index(after: colon)...])
        }
        return TableTransactionError(index: index, error: error)
    }
}
