//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What a MessageQueue can do: pip-services' `MessagingCapabilities`, the nine flags in
/// its order.
public struct MessagingCapabilities: Sendable, Hashable {
    /// ``MessageQueue/readMessageCount()`` gives a (possibly approximate) count.
    public var canMessageCount: Bool
    /// ``MessageQueue/send(_:)`` is supported.
    public var canSend: Bool
    /// ``MessageQueue/receive(waitTimeout:)`` is supported.
    public var canReceive: Bool
    /// ``MessageQueue/peek()`` is supported.
    public var canPeek: Bool
    /// ``MessageQueue/peekBatch(count:)`` is supported.
    public var canPeekBatch: Bool
    /// ``MessageQueue/renewLock(_:lockTimeout:)`` is supported.
    public var canRenewLock: Bool
    /// ``MessageQueue/abandon(_:)`` is supported.
    public var canAbandon: Bool
    /// ``MessageQueue/moveToDeadLetter(_:)`` is supported.
    public var canDeadLetter: Bool
    /// ``MessageQueue/clear()`` is supported.
    public var canClear: Bool

    /// Creates a set of capabilities, in pip-services' order.
    public init(
        canMessageCount: Bool, canSend: Bool, canReceive: Bool, canPeek: Bool, canPeekBatch: Bool,
        canRenewLock: Bool, canAbandon: Bool, canDeadLetter: Bool, canClear: Bool
    ) {
        self.canMessageCount = canMessageCount
        self.canSend = canSend
        self.canReceive = canReceive
        self.canPeek = canPeek
        self.canPeekBatch = canPeekBatch
        self.canRenewLock = canRenewLock
        self.canAbandon = canAbandon
        self.canDeadLetter = canDeadLetter
        self.canClear = canClear
    }

    /// Every capability.
    public static let all = MessagingCapabilities(
        canMessageCount: true, canSend: true, canReceive: true, canPeek: true, canPeekBatch: true,
        canRenewLock: true, canAbandon: true, canDeadLetter: true, canClear: true)
}
