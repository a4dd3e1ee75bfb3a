//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The queue strategy done properly: receive a message, keep it locked by renewing while the
/// handler runs, complete it when the handler succeeds, abandon it when the handler fails.
///
/// Unlike pip-services' `Listen` (and the "message queue as a lock" recipe), the lock is
/// renewed every third of the lock timeout, so handlers longer than the lock are not delivered
/// twice; a failure abandons the message at once instead of waiting for the lock to run out;
/// and poison messages (failing again and again) end up in the dead-letter queue, because the
/// queue's receive moves any message received more than its maximum.
///
/// A message whose handler succeeded and whose completion went through is never delivered
/// again. A message whose worker died (no more renewals) is delivered again to another
/// listener once its lock runs out: handlers must be idempotent — see `Docs/QUEUES.md`.
///
/// ```swift
/// let runner = QueueListenerRunner(queue: queue) { message in
///     try await analyse(message.text)
/// }
/// let task = Task { await runner.run() }
/// // … later
/// runner.stop()
/// await task.value
/// ```
public final class QueueListenerRunner: Sendable {
    /// Counts of what the runner did, for logs and tests.
    public struct Statistics: Sendable, Hashable {
        /// Messages received.
        public var received = 0
        /// Messages whose handler succeeded and that were completed.
        public var completed = 0
        /// Messages whose handler failed and that were given back to the queue.
        public var abandoned = 0
        /// Successful lock renewals.
        public var lockRenewals = 0
        /// Messages whose lock was lost while the handler ran or at completion: another
        /// listener may process them again.
        public var lostLocks = 0
        /// Handler failures and failed queue operations, lost locks included.
        public var failures = 0
    }

    private enum Outcome: Sendable {
        case handled(Result<Void, any Error>)
        case lockLost(any Error)
    }

    private struct State {
        var stopped = false
        var receivers: [Int: Task<MessageEnvelope?, any Error>] = [:]
        var statistics = Statistics()
    }

    /// The queue listened to.
    public let queue: any MessageQueue
    /// The lock timeout renewals ask for; renewals happen every third of it.
    public let lockTimeout: Duration
    /// How long each receive waits before the runner checks whether it was stopped.
    public let waitTimeout: Duration
    /// How many messages this runner handles at once.
    public let concurrency: Int
    private let handler: @Sendable (MessageEnvelope) async throws -> Void
    private let onError: @Sendable (any Error) -> Void
    private let state = Mutex(State())

    /// Creates a runner; nothing happens until ``run()``.
    ///
    /// - Parameters:
    ///   - queue: The queue to listen to.
    ///   - lockTimeout: The lock each renewal asks for; the queue's own lock timeout unless given.
    ///   - waitTimeout: How long one receive waits.
    ///   - concurrency: How many messages are handled at once, each with its own renewals.
    ///   - onError: Told about each handler failure and each failed queue operation; the runner
    ///     carries on.
    ///   - handler: The work for one message; cancelled when its lock is lost.
    public init(
        queue: any MessageQueue, lockTimeout: Duration? = nil, waitTimeout: Duration = .seconds(5),
        concurrency: Int = 1, onError: @escaping @Sendable (any Error) -> Void = { _ in },
        handler: @escaping @Sendable (MessageEnvelope) async throws -> Void
    ) {
        self.queue = queue
        self.lockTimeout = lockTimeout ?? queue.lockTimeout
        self.waitTimeout = waitTimeout
        self.concurrency = max(concurrency, 1)
        self.handler = handler
        self.onError = onError
    }

    /// What the runner has done so far.
    public var statistics: Statistics {
        self.state.withLock { $0.statistics }
    }

    /// Receives and handles messages until ``stop()`` is called or the task is cancelled, then
    /// lets the messages in progress finish (and be completed or abandoned) before returning.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            for slot in 0..<self.concurrency {
                group.addTask { await self.listen(slot: slot) }
            }
            await group.waitForAll()
        }
    }

    /// Stops receiving; ``run()`` returns once the messages in progress are settled. Idempotent.
    public func stop() {
        let receivers = self.state.withLock { state -> [Task<MessageEnvelope?, any Error>] in
            state.stopped = true
            return Array(state.receivers.values)
        }
        for receiver in receivers { receiver.cancel() }
    }

    private func listen(slot: Int) async {
        while !self.state.withLock({ $0.stopped }) && !Task.isCancelled {
            let message: MessageEnvelope?
            do {
                message = try await self.receive(slot: slot)
            } catch is CancellationError {
                break
            } catch {
                self.record(error) { _ in }
                // The queue is unreachable: pause rather than spin.
                try? await Task.sleep(for: min(self.waitTimeout, .seconds(1)))
                continue
            }
            guard let message else { continue }
            self.state.withLock { $0.statistics.received += 1 }
            await self.process(message)
        }
    }

    /// One receive, cancelled by ``stop()``.
    private func receive(slot: Int) async throws -> MessageEnvelope? {
        let queue = self.queue
        let waitTimeout = self.waitTimeout
        let receiver = Task { try await queue.receive(waitTimeout: waitTimeout) }
        let proceed = self.state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.receivers[slot] = receiver
            return true
        }
        if !proceed { receiver.cancel() }
        defer { _ = self.state.withLock { $0.receivers.removeValue(forKey: slot) } }
        return try await withTaskCancellationHandler {
            try await receiver.value
        } onCancel: {
            receiver.cancel()
        }
    }

    private func process(_ message: MessageEnvelope) async {
        let outcome = await withTaskGroup(of: Outcome?.self) { group -> Outcome in
            group.addTask {
                do {
                    try await self.handler(message)
                    return .handled(.success(()))
                } catch {
                    return .handled(.failure(error))
                }
            }
            group.addTask { await self.keepLocked(message) }
            var result: Outcome = .handled(.success(()))
            if let first = await group.next() ?? nil {
                result = first
            }
            group.cancelAll()
            if case .lockLost = result {
                // Let the cancelled handler wind down before the slot takes another message.
                while await group.next() != nil {}
            }
            return result
        }
        switch outcome {
        case .handled(.success):
            do {
                try await self.settle { try await self.queue.complete(message) }
                self.state.withLock { $0.statistics.completed += 1 }
            } catch {
                self.record(error) { $0.lostLocks += Self.isLockLost(error) ? 1 : 0 }
            }
        case .handled(.failure(let error)):
            self.record(error) { _ in }
            do {
                try await self.settle { try await self.queue.abandon(message) }
                self.state.withLock { $0.statistics.abandoned += 1 }
            } catch {
                self.record(error) { $0.lostLocks += Self.isLockLost(error) ? 1 : 0 }
            }
        case .lockLost(let error):
            self.record(error) { $0.lostLocks += 1 }
        }
    }

    /// Completes or abandons, trying up to three times when the queue could not be reached.
    ///
    /// The lock was renewed at most a third of its timeout ago, so nobody else can have the
    /// message: when a retry finds the receipt gone after an attempt that failed without an
    /// answer, that attempt did reach the queue, and the message is settled.
    private func settle(_ operation: @escaping @Sendable () async throws -> Void) async throws {
        var pause = Duration.milliseconds(200)
        var ambiguous = false
        for attempt in 1...3 {
            do {
                // Not cancelled half-way, for the same reason as renewals.
                try await Task(operation: operation).value
                return
            } catch {
                if Self.isLockLost(error) && ambiguous { return }
                let retryable = !Self.isLockLost(error) && (error as? MessageQueueError) == nil
                guard retryable, attempt < 3 else { throw error }
                self.record(error) { _ in }
                ambiguous = true
                try? await Task.sleep(for: pause)
                pause *= 2
            }
        }
    }

    /// Renews the lock every third of the lock timeout until cancelled; returns `.lockLost`
    /// when the lock is gone. Other failures are reported and retried at the next renewal,
    /// which still falls inside the lock.
    private func keepLocked(_ message: MessageEnvelope) async -> Outcome? {
        while true {
            do {
                try await Task.sleep(for: self.lockTimeout / 3)
            } catch {
                return nil
            }
            do {
                // Never cancelled half-way: a renewal the service applied but whose new receipt
                // never reached the handle would make the completion fail and the message run
                // again.
                let queue = self.queue
                let lockTimeout = self.lockTimeout
                try await Task { try await queue.renewLock(message, lockTimeout: lockTimeout) }.value
                self.state.withLock { $0.statistics.lockRenewals += 1 }
            } catch is CancellationError {
                return nil
            } catch {
                if Self.isLockLost(error) { return .lockLost(error) }
                self.record(error) { _ in }
            }
        }
    }

    private func record(_ error: any Error, _ update: (inout Statistics) -> Void) {
        self.state.withLock { state in
            state.statistics.failures += 1
            update(&state.statistics)
        }
        self.onError(error)
    }

    private static func isLockLost(_ error: any Error) -> Bool {
        (error as? MessageQueueError)?.code == .lockLost
    }
}
