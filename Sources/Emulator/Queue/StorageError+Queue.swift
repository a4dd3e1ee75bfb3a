//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension StorageError {
    /// 404 `QueueNotFound`.
    static func queueNotFound() -> StorageError {
        StorageError(status: 404, code: .queueNotFound, message: "The specified queue does not exist.")
    }

    /// 404 `MessageNotFound`: absent, expired, or a stale pop receipt.
    static func messageNotFound() -> StorageError {
        StorageError(status: 404, code: .messageNotFound, message: "The specified message does not exist.")
    }
}
