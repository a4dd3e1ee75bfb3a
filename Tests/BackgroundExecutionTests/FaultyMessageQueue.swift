//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Synchronization

/// A memory queue with one injected fault, for the runner's failure paths.
final class FaultyMessageQueue: MessageQueue {
    /// The fault injected.
    enum Fault: Sendable {
        /// Every renewal fails as if another listener had taken the message over.
        case stealRenewals
        /// The first completion is applied but its answer is lost: it throws a transport-like
        /// error after deleting the message.
        case loseFirstCompletionAnswer
    }

    /// The error of a lost answer.
    struct LostAnswer: Error {}

    let inner: MemoryMessageQueue
    let fault: Fault
    private let completions = Mutex(0)

    init(_ inner: MemoryMessageQueue, fault: Fault) {
        self.inner = inner
        self.fault = fault
    }

    var name: String { self.inner.name }
    var capabilities: MessagingCapabilities { self.inner.capabilities }
    var lockTimeout: Duration { self.inner.lockTimeout }
    func readMessageCount() async throws -> Int { try await self.inner.readMessageCount() }
    func send(_ envelope: MessageEnvelope) async throws { try await self.inner.send(envelope) }
    func peek() async throws -> MessageEnvelope? { try await self.inner.peek() }
    func peekBatch(count: Int) async throws -> [MessageEnvelope] { try await self.inner.peekBatch(count: count) }
    func receive(waitTimeout: Duration) async throws -> MessageEnvelope? {
        try await self.inner.receive(waitTimeout: waitTimeout)
    }
    func renewLock(_ message: MessageEnvelope, lockTimeout: Duration) async throws {
        if self.fault == .stealRenewals {
            throw MessageQueueError.lockLost(queue: self.name, messageId: message.messageId)
        }
        try await self.inner.renewLock(message, lockTimeout: lockTimeout)
    }
    func complete(_ message: MessageEnvelope) async throws {
        try await self.inner.complete(message)
        let first = self.completions.withLock { count -> Bool in
            count += 1
            return count == 1
        }
        if self.fault == .loseFirstCompletionAnswer && first { throw LostAnswer() }
    }
    func abandon(_ message: MessageEnvelope) async throws { try await self.inner.abandon(message) }
    func moveToDeadLetter(_ message: MessageEnvelope) async throws { try await self.inner.moveToDeadLetter(message) }
    func clear() async throws { try await self.inner.clear() }
}
