//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The `multipart/mixed` body of an entity group transaction, laid out byte for byte as
/// `azure-data-tables` writes it.
///
/// ```
/// --batch_<uuid>
/// Content-Type: multipart/mixed; boundary=changeset_<uuid>
///
/// --changeset_<uuid>
/// Content-Type: application/http
/// Content-Transfer-Encoding: binary
/// Content-ID: 0
///
/// PATCH https://acct.table.core.windows.net/t(PartitionKey='p',RowKey='r') HTTP/1.1
/// x-ms-version: 2019-02-02
/// DataServiceVersion: 3.0
/// If-Match: *
/// Content-Type: application/json
/// Accept: application/json
/// Content-Length: 42
/// x-ms-date: Tue, 21 Sep 2021 00:50:52 GMT
/// Date: Tue, 21 Sep 2021 00:50:52 GMT
///
/// {"PartitionKey":"p","RowKey":"r",…}
/// --changeset_<uuid>--
///
/// --batch_<uuid>--
/// ```
///
/// Every line ends with CRLF. Parts address absolute URLs, carry no `Authorization` (the outer
/// request is signed), and are numbered by `Content-ID` from 0. Inserts ask for
/// `Prefer: return-no-content`, so each part's response is a 204 with the new ETag.
struct TableBatchRequest: Sendable {
    /// The `boundary` of the outer `multipart/mixed` body, `batch_<uuid>`.
    let batchBoundary: String
    /// The boundary of the single changeset, `changeset_<uuid>`.
    let changesetBoundary: String
    /// The whole body.
    let body: [UInt8]

    /// The outer request's `Content-Type`.
    var contentType: String {
        "multipart/mixed; boundary=" + self.batchBoundary
    }

    /// Lays out `actions` against `client`'s table.
    ///
    /// - Parameters:
    ///   - endpoint: The table service root the part URLs are absolute in.
    ///   - date: The `x-ms-date` and `Date` of every part.
    ///   - batchID: The UUID of the batch boundary.
    ///   - changesetID: The UUID of the changeset boundary.
    init(
        actions: [TableTransactionAction], client: TableClient, endpoint: ServiceEndpoint, date: Date = Date(),
        batchID: String = RandomIdentifier.uuidString(), changesetID: String = RandomIdentifier.uuidString()
    ) {
        self.batchBoundary = "batch_" + batchID
        self.changesetBoundary = "changeset_" + changesetID
        let dateText = HTTPDate.string(from: date)
        var body: [UInt8] = []
        func line(_ text: String) {
            body.append(contentsOf: text.utf8)
            body.append(contentsOf: [0x0D, 0x0A])
        }
        line("--" + self.batchBoundary)
        line("Content-Type: multipart/mixed; boundary=" + self.changesetBoundary)
        line("")
        for (index, action) in actions.enumerated() {
            let part = Self.part(for: action, client: client, endpoint: endpoint)
            line("--" + self.changesetBoundary)
            line("Content-Type: application/http")
            line("Content-Transfer-Encoding: binary")
            line("Content-ID: \(index)")
            line("")
            line(part.method + " " + part.url + " HTTP/1.1")
            line("x-ms-version: " + TableClient.serviceVersion)
            line("DataServiceVersion: 3.0")
            for field in part.headers { line(field.name + ": " + field.value) }
            if let entityBody = part.body {
                line("Content-Length: \(entityBody.count)")
            }
            line("x-ms-date: " + dateText)
            line("Date: " + dateText)
            line("")
            body.append(contentsOf: part.body ?? [])
            line("")
        }
        line("--" + self.changesetBoundary + "--")
        line("")
        line("--" + self.batchBoundary + "--")
        self.body = body
    }

    /// The embedded request of one action: method, absolute URL, the headers between
    /// `DataServiceVersion` and `Content-Length`, and the body (`nil` for a delete).
    private static func part(
        for action: TableTransactionAction, client: TableClient, endpoint: ServiceEndpoint
    ) -> (method: String, url: String, headers: HTTPHeaders, body: [UInt8]?) {
        let json = "application/json"
        switch action {
        case .insert(let entity):
            return (
                "POST", endpoint.baseURL + "/" + client.encodedTableName,
                ["Prefer": "return-no-content", "Content-Type": json, "Accept": TableClient.acceptJSON],
                entity.requestBody
            )
        case .update(let entity, let mode, let ifMatch):
            return (
                mode.method, Self.entityURL(entity.partitionKey, entity.rowKey, client: client, endpoint: endpoint),
                ["If-Match": ifMatch.headerValue, "Content-Type": json, "Accept": json], entity.requestBody
            )
        case .upsert(let entity, let mode):
            return (
                mode.method, Self.entityURL(entity.partitionKey, entity.rowKey, client: client, endpoint: endpoint),
                ["Content-Type": json, "Accept": json], entity.requestBody
            )
        case .delete(let partitionKey, let rowKey, let ifMatch):
            return (
                "DELETE", Self.entityURL(partitionKey, rowKey, client: client, endpoint: endpoint),
                ["If-Match": ifMatch.headerValue, "Accept": TableClient.acceptJSON], nil
            )
        }
    }

    private static func entityURL(
        _ partitionKey: String, _ rowKey: String, client: TableClient, endpoint: ServiceEndpoint
    ) -> String {
        endpoint.baseURL + client.entityPath(partitionKey: partitionKey, rowKey: rowKey)
    }
}
