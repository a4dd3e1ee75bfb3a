//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// What Update Message answers: the **new** pop receipt, which replaces the one presented, and
/// when the message becomes visible.
public struct QueueUpdateReceipt: Sendable, Hashable {
    /// The new receipt; the old one no longer works.
    public var popReceipt: String
    /// When the message becomes visible again.
    public var timeNextVisible: Date

    /// Creates a receipt.
    public init(popReceipt: String, timeNextVisible: Date) {
        self.popReceipt = popReceipt
        self.timeNextVisible = timeNextVisible
    }
}
