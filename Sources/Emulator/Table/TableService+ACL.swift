//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableService {
    /// Get Table ACL: `GET /table?comp=acl`, the stored access policies as XML.
    func getTableACL(_ context: TableRequestContext, table: String) throws(StorageError) -> HTTPServerResponse {
        let account = context.account.name
        guard
            try self.storeCall({ () throws(SQLiteError) in try self.store.tableExists(account: account, name: table) })
                != nil
        else { throw .tableNotFound() }
        let bytes = try self.storeCall { () throws(SQLiteError) in
            try self.store.tableACL(account: account, name: table)
        }
        let identifiers = try bytes.map { (bytes) throws(StorageError) in try SignedIdentifier.parseList(bytes) } ?? []
        return HTTPServerResponse(
            status: 200, headers: ["Content-Type": "application/xml"],
            body: Array(SignedIdentifier.xml(for: identifiers).utf8))
    }

    /// Set Table ACL: `PUT /table?comp=acl` with up to five signed identifiers.
    func setTableACL(_ context: TableRequestContext, table: String) throws(StorageError) -> HTTPServerResponse {
        let identifiers = try SignedIdentifier.parseList(context.request.body)
        let canonical = Array(SignedIdentifier.xml(for: identifiers).utf8)
        let account = context.account.name
        let update = try self.storeCall { () throws(SQLiteError) in
            try self.store.setTableACL(account: account, name: table, signedIdentifiers: canonical)
        }
        switch update {
        case .updated: return HTTPServerResponse(status: 204)
        case .tableNotFound: throw .tableNotFound()
        }
    }
}
