//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension TableService {
    /// Get/Set Table Service Properties and Get Table Service Stats: `/?restype=service&comp=…`.
    func serviceRequest(
        _ context: TableRequestContext, credential: RequestCredential
    ) throws(StorageError) -> HTTPServerResponse {
        guard context.query["restype"] == "service" else { throw .invalidQueryParameterValue("restype") }
        let account = context.account.name
        switch (context.query["comp"], context.method) {
        case ("properties", "GET"):
            try self.authorize(credential, context, .getTableServiceProperties)
            let stored = try self.storeCall { () throws(SQLiteError) in
                try self.store.serviceProperties(account: account)
            }
            return Self.xmlResponse(status: 200, body: ServicePropertiesDocument.document(stored: stored))
        case ("properties", "PUT"):
            try self.authorize(credential, context, .setTableServiceProperties)
            let stored = try self.storeCall { () throws(SQLiteError) in
                try self.store.serviceProperties(account: account)
            }
            let merged = try ServicePropertiesDocument.merge(stored: stored, update: context.request.body)
            try self.storeCall { () throws(SQLiteError) in
                try self.store.setServiceProperties(account: account, properties: merged)
            }
            return HTTPServerResponse(status: 202)
        case ("stats", "GET"):
            try self.authorize(credential, context, .getTableServiceStatistics)
            return Self.xmlResponse(status: 200, body: ServicePropertiesDocument.statistics())
        case (.some("properties"), _), (.some("stats"), _):
            throw .methodNotAllowed()
        default:
            throw .invalidQueryParameterValue("comp")
        }
    }

    static func xmlResponse(status: Int, body: [UInt8]) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: ["Content-Type": "application/xml"], body: body)
    }
}
