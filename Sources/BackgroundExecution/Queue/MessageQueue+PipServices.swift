//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

extension MessageQueue {
    /// Sends `value` as the JSON payload of a new envelope: pip-services' `SendAsObjectAsync`.
    ///
    /// - Parameters:
    ///   - correlationId: The operation's correlation id.
    ///   - messageType: What the payload is.
    ///   - value: The payload, written as JSON.
    public func sendAsObject(correlationId: String?, messageType: String?, _ value: JSONValue) async throws {
        try await self.send(
            MessageEnvelope(correlationId: correlationId, messageType: messageType, message: JSONWriter.bytes(value)))
    }

    /// Receives messages and hands each to `receiver` until the task is cancelled:
    /// pip-services' `ListenAsync`.
    ///
    /// The receiver completes (or otherwise settles) the message itself, as in pip-services;
    /// a message it throws for is abandoned. For lock renewal while the receiver works, graceful
    /// stop and statistics, use QueueListenerRunner.
    ///
    /// - Parameter waitTimeout: How long each receive waits before trying again.
    public func listen(
        waitTimeout: Duration = .seconds(5),
        receiver: @escaping @Sendable (MessageEnvelope, any MessageQueue) async throws -> Void
    ) async throws {
        while !Task.isCancelled {
            let received: MessageEnvelope?
            do {
                received = try await self.receive(waitTimeout: waitTimeout)
            } catch is CancellationError {
                return
            }
            guard let message = received else { continue }
            do {
                try await receiver(message, self)
            } catch {
                try? await self.abandon(message)
            }
        }
    }
}
