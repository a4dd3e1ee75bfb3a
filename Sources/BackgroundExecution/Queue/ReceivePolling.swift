//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The polling loop behind `receive(waitTimeout:)`: try, and while nothing comes, pause with
/// doubling intervals until the wait runs out. Never a busy loop.
///
/// Cancellation ends the wait during a pause, never during an attempt: an attempt cancelled
/// after the service had locked a message would leave that message hidden for a whole lock
/// timeout with nobody working on it.
struct ReceivePolling: Sendable {
    /// The first pause.
    let minimumInterval: Duration
    /// The longest pause.
    let maximumInterval: Duration

    /// Calls `attempt` until it returns a value or `waitTimeout` has passed; always calls it
    /// at least once.
    ///
    /// - Throws: `CancellationError` when the task is cancelled while pausing, and whatever
    ///   `attempt` throws.
    func poll<Value: Sendable>(
        waitTimeout: Duration, _ attempt: @escaping @Sendable () async throws -> Value?
    ) async throws -> Value? {
        let deadline = ContinuousClock.now + waitTimeout
        var interval = max(self.minimumInterval, .milliseconds(1))
        while true {
            // An unstructured task does not inherit the caller's cancellation.
            if let value = try await Task(operation: attempt).value { return value }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            try await Task.sleep(for: min(interval, remaining))
            interval = min(interval * 2, max(self.maximumInterval, self.minimumInterval))
        }
    }
}
