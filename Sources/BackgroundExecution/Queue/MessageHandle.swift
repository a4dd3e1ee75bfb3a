//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The broker's handle on a received message: its id, how often it was delivered, and the
/// current receipt that proves the lock (Azure's pop receipt).
///
/// pip-services keeps this in `MessageEnvelope.Reference`. It is a reference type so that
/// ``MessageQueue/renewLock(_:lockTimeout:)`` can replace the receipt in place: Azure issues a
/// **new** pop receipt on every update and the old one stops working, so every copy of the
/// envelope must see the new one.
public final class MessageHandle: Sendable {
    /// The broker's id of the message (not the envelope's `message_id`).
    public let brokerMessageId: String
    /// How many times the message has been received, this time included.
    public let dequeueCount: Int
    /// The name of the queue it was received from.
    public let queueName: String
    /// The text as the broker holds it, copied verbatim to the dead-letter queue.
    let originalText: String?
    private let currentReceipt: Mutex<String>

    /// Creates a handle.
    init(brokerMessageId: String, dequeueCount: Int, queueName: String, receipt: String, originalText: String? = nil) {
        self.brokerMessageId = brokerMessageId
        self.dequeueCount = dequeueCount
        self.queueName = queueName
        self.originalText = originalText
        self.currentReceipt = Mutex(receipt)
    }

    /// The receipt the next operation on the message must present.
    public var receipt: String {
        self.currentReceipt.withLock { $0 }
    }

    /// Carries a new receipt forward after a renewal.
    func replaceReceipt(_ receipt: String) {
        self.currentReceipt.withLock { $0 = receipt }
    }
}
