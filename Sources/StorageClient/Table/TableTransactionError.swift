//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// An entity group transaction that the service refused because one of its actions failed.
///
/// Nothing of the transaction was applied.
public struct TableTransactionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 0-based position of the failing action in the array given to
    /// ``TableClient/submitTransaction(_:)``.
    public var index: Int
    /// Why that action failed, such as 412 `UpdateConditionNotSatisfied`; its message no longer
    /// carries the service's `index:` prefix.
    public var error: StorageError

    /// Creates an error.
    public init(index: Int, error: StorageError) {
        self.index = index
        self.error = error
    }

    /// The failing action's index and its error.
    public var description: String { "transaction action \(self.index) failed: \(self.error)" }
}
