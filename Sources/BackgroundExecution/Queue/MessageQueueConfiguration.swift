//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How a MemoryMessageQueue or StorageMessageQueue leases, polls and gives up on
/// messages.
public struct MessageQueueConfiguration: Sendable, Hashable {
    /// How long a received message stays invisible to other receivers (its lock) unless
    /// renewed. pip-services hard-codes 60 s; here it is a setting. Azure counts whole seconds,
    /// so the storage queue rounds it up to the next second.
    public var lockTimeout: Duration
    /// A message received more than this many times is poison: instead of being returned, it
    /// is copied to the dead-letter queue and deleted. Azure Functions' default is 5.
    public var maxDequeueCount: Int
    /// The first pause of ``MessageQueue/receive(waitTimeout:)`` when the queue is empty; each
    /// further empty poll doubles it up to maximumPollInterval.
    public var minimumPollInterval: Duration
    /// The longest pause between polls of an empty queue.
    public var maximumPollInterval: Duration
    /// The dead-letter queue's name is the queue's name followed by this (`-poison`, as Azure
    /// Functions does).
    public var deadLetterSuffix: String

    /// Creates a configuration.
    public init(
        lockTimeout: Duration = .seconds(60), maxDequeueCount: Int = 5,
        minimumPollInterval: Duration = .milliseconds(100), maximumPollInterval: Duration = .seconds(2),
        deadLetterSuffix: String = "-poison"
    ) {
        self.lockTimeout = lockTimeout
        self.maxDequeueCount = maxDequeueCount
        self.minimumPollInterval = minimumPollInterval
        self.maximumPollInterval = maximumPollInterval
        self.deadLetterSuffix = deadLetterSuffix
    }
}
