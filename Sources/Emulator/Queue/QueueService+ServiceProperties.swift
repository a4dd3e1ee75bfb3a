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
            // One emulator is its own replica: always live, synced now.
            let xml =
                QueueMessageXML.declaration + "<StorageServiceStats><GeoReplication>"
                + "<Status>live</Status><LastSyncTime>\(HTTPDate.string(from: Date()))</LastSyncTime>"
                + "</GeoReplication></StorageServiceStats>"
            return Self.xmlResponse(status: 200, body: Array(xml.utf8))
        case (.some("properties"), _), (.some("stats"), _):
            throw .methodNotAllowed()
        default:
            throw .invalidQueryParameterValue("comp")
        }
    }
}
