//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

extension StorageError {
    /// Whether this refusal means a pop receipt no longer holds its message: 404
    /// `MessageNotFound` (Azure, for a deleted or expired message and for a stale receipt) or
    /// 400 `PopReceiptMismatch` (Azurite, and older Azure documentation, for a stale receipt).
    ///
    /// Either way the caller's lock on the message is gone.
    public var isLostPopReceipt: Bool {
        self.code == .messageNotFound || self.code == .popReceiptMismatch
    }
}
