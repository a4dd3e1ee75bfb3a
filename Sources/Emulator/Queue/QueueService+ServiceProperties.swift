//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueService {
    /// Get/Set Queue Service Properties and Get Queue Service Stats: `/?restype=service&comp=…`.
    func serviceRequest(
        _ context: QueueRequestContext, credential: RequestCredential
    ) throws(StorageError) -> HTTPServerResponse {
        let account = context.account.name
        switch (context.query["comp"], context.request.method) {
        case ("properties", "GET"):
            try self.authorize(credential, context, .getQueueServiceProperties)
            let stored = try self.storeCall { () throws(SQLiteError) in
                try self.store.serviceProperties(account: account)
            }
            return Self.xmlResponse(status: 200, body: ServicePropertiesDocument.document(stored: stored))
        case ("properties", "PUT"):
            try self.authorize(credential, context, .setQueueServiceProperties)
            let stored = try self.storeCall { () throws(SQLiteError) in
                try self.store.serviceProperties(account: account)
            }
            let merged = try ServicePropertiesDocument.merge(stored: stored, update: context.request.body)
            try self.storeCall { () throws(SQLiteError) in
                try self.store.setServiceProperties(account: account, properties: merged)
            }
            return HTTPServerResponse(status: 202)
        case ("stats", "GET"):
            try self.authorize(credential, context, .getQueueServiceStatistics)
            return Self.xmlResponse(status: 200, body: ServicePropertiesDocument.statistics())
        case (.some("properties"), _), (.some("stats"), _):
            throw .methodNotAllowed()
        default:
            throw .invalidQueryParameterValue("comp")
        }
    }
}
