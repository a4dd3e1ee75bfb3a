//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// One request inside a changeset: an embedded HTTP request, read into an entity write.
struct BatchOperation: Sendable {
    /// The part's `Content-ID`, echoed in its response (SDKs number from 0 or from 1).
    var contentID: String?
    /// The write it performs.
    var write: EntityWrite
    /// The embedded request's `Prefer`, for inserts.
    var prefer: String?
    /// The embedded request's `Accept`, for an insert's echoed body.
    var accept: String?

    /// Reads an `application/http` part: request line, headers, blank line, body.
    ///
    /// - Parameter account: The account of the outer request; every part must address it.
    /// - Throws: 400 `InvalidInput` for a malformed part or a URL outside the account.
    init(part: MultipartMixed.Part, account: String) throws(StorageError) {
        let (lines, bodyStart) = try MultipartMixed.headerLines(part.body)
        guard let requestLine = lines.first else {
            throw .invalidInput("A changeset part has no request line.")
        }
        let pieces = requestLine.split(separator: " ", omittingEmptySubsequences: true)
        guard pieces.count == 3, pieces[2].hasPrefix("HTTP/") else {
            throw .invalidInput("The changeset request line '\(requestLine)' is not 'METHOD URL HTTP/1.1'.")
        }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidInput("The changeset header line '\(line)' has no colon.")
            }
            headers.add(
                name: String(line[..<colon]).trimmingSpaces,
                value: String(line[line.index(after: colon)...]).trimmingSpaces)
        }
        var method = String(pieces[0]).uppercased()
        let tunnelled = headers.values(for: "X-HTTP-Method")
        if !tunnelled.isEmpty {
            guard tunnelled.count == 1, method == "POST",
                ["MERGE", "PATCH", "DELETE"].contains(tunnelled[0].uppercased())
            else {
                throw .invalidInput(
                    "A changeset part uses X-HTTP-Method other than once on POST for MERGE, PATCH or DELETE.")
            }
            method = tunnelled[0].uppercased()
        }
        let path = try Self.pathWithinAccount(String(pieces[1]), account: account)
        let body = Array(part.body[bodyStart...])
        // Content-ID belongs in the MIME part's headers; some clients put it in the embedded
        // request instead, so both are read.
        self.contentID = part.headers["Content-ID"] ?? headers["Content-ID"]
        self.prefer = headers["Prefer"]
        self.accept = headers["Accept"]
        guard method != "GET" else {
            throw .invalidInput("A changeset may not hold a query; a GET goes alone in a batch, outside a changeset.")
        }
        switch try TableResource(encodedPath: path) {
        case .entities(let table) where method == "POST":
            self.write = try EntityWrite(insertInto: table, body: body)
        case .entity(let table, let partitionKey, let rowKey):
            let address = EntityAddress(table: table, partitionKey: partitionKey, rowKey: rowKey)
            self.write = try EntityWrite(method: method, address: address, ifMatch: headers["If-Match"], body: body)
        default:
            throw .invalidInput("A changeset may hold only entity inserts, updates, merges, upserts and deletes.")
        }
    }

    /// The path after `/<account>` of an absolute (or absolute-path) part URL, query removed.
    private static func pathWithinAccount(_ url: String, account: String) throws(StorageError) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            guard let slash = rest.firstIndex(of: "/") else {
                throw .invalidInput("The changeset URL '\(url)' has no path.")
            }
            rest = rest[slash...]
        }
        if let question = rest.firstIndex(of: "?") { rest = rest[..<question] }
        let prefix = "/" + account
        guard rest.hasPrefix(prefix + "/") else {
            throw .invalidInput("The changeset URL '\(url)' is not in account '\(account)'.")
        }
        return String(rest.dropFirst(prefix.count))
    }
}
