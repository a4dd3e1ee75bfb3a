//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// When a storage request is sent again after a failure, and how long to wait first.
///
/// A request is retried only when sending it again cannot apply it twice:
/// - **503 `ServerBusy`, any method.** By Azure's contract the service refused the request
///   without running it (throttling, overload), so a write is as safe to repeat as a read.
/// - **No connection made, any method.** A ``TransportError`` whose
///   ``TransportError/Code/mayHaveReachedServer`` is false never left the client.
/// - **Reads only (`GET`, `HEAD`) on 500 and on a lost or timed-out exchange.** Azure's 500
///   (`InternalError`, `OperationTimedOut`) does not promise the write was not applied, and a
///   connection that broke after sending may have carried a committed write; repeating a read
///   changes nothing. (A queue receive is a `GET` that hides the messages it returns: retrying
///   one whose answer was lost leaves those messages hidden until their visibility timeout, then
///   they come back — delayed, never lost.)
///
/// Everything else is surfaced to the caller unchanged: a write that got a 500 or no answer may
/// or may not have been applied, and only the caller can find out (the lock re-reads its row;
/// an insert-only table answers a repeated insert with 409).
///
/// Waits grow exponentially with full jitter — a random wait between zero and
/// `initialDelay × 2^(attempt − 1)`, capped at `maximumDelay` — so that many clients refused at
/// once do not all come back at the same moment.
public struct StorageRetryPolicy: Sendable, Hashable {
    /// How many times a request is sent at most, the first attempt included; 1 never retries.
    public var maximumAttempts: Int
    /// The cap of the first wait.
    public var initialDelay: Duration
    /// The cap of every wait.
    public var maximumDelay: Duration

    /// Creates a policy.
    public init(maximumAttempts: Int, initialDelay: Duration, maximumDelay: Duration) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
    }

    /// Five attempts, waits capped at 100 ms, 200 ms, 400 ms and 800 ms: about 1.5 s at most.
    public static let standard = StorageRetryPolicy(
        maximumAttempts: 5, initialDelay: .milliseconds(100), maximumDelay: .seconds(2))

    /// One attempt: every failure goes straight to the caller.
    public static let none = StorageRetryPolicy(maximumAttempts: 1, initialDelay: .zero, maximumDelay: .zero)

    /// Whether a request with `method` that failed with `error` may be sent again.
    ///
    /// - Parameter status: The HTTP status when the service answered; `nil` for a transport
    ///   failure, described by `transportError`.
    public static func isSafeToRetry(method: String, status: Int?, transportError: TransportError?) -> Bool {
        let isRead = method == "GET" || method == "HEAD"
        if let transportError {
            return isRead || !transportError.code.mayHaveReachedServer
        }
        switch status {
        case 503?: return true
        case 500?: return isRead
        default: return false
        }
    }

    /// Whether a write that failed with `error` may nevertheless have been applied, so that the
    /// caller must find out (re-read, or repeat it in a way that cannot apply twice) rather than
    /// assume it did not happen.
    ///
    /// True for a ``TransportError`` after the request may have reached the server (no answer,
    /// a timeout) and for a 500 from a storage or Jobs service; false for everything else — in
    /// particular 503, which is "not applied" and which the clients have already retried.
    public static func mayHaveBeenApplied(_ error: any Error) -> Bool {
        switch error {
        case let error as TransportError: error.code.mayHaveReachedServer
        case let error as StorageError: error.status == 500
        case let error as JobsError: error.status == 500
        default: false
        }
    }

    /// Sends one request through `attempt`, again after each failure ``isSafeToRetry(method:status:transportError:)``
    /// allows, with this policy's waits; returns the last answer, whatever its status.
    ///
    /// - Parameters:
    ///   - method: The method that decides what is safe to repeat (`GET` for a read sent as
    ///     `POST`, such as a Jobs `get_…` command).
    ///   - attempt: Builds and sends the request afresh, so each attempt is dated when sent.
    /// - Throws: The last ``TransportError`` or `CancellationError`, unchanged.
    package func execute(
        method: String, _ attempt: () async throws -> HTTPClientResponse
    ) async throws -> HTTPClientResponse {
        var attemptNumber = 1
        while true {
            do {
                let response = try await attempt()
                guard !(200..<300).contains(response.status), attemptNumber < self.maximumAttempts,
                    Self.isSafeToRetry(method: method, status: response.status, transportError: nil)
                else {
                    return response
                }
            } catch let error as TransportError
                where attemptNumber < self.maximumAttempts
                && Self.isSafeToRetry(method: method, status: nil, transportError: error)
            {
                // Retried below, like a refusal that is safe to repeat.
            }
            try await Task.sleep(for: self.delay(afterAttempt: attemptNumber))
            attemptNumber += 1
        }
    }

    /// Runs `operation`, and again while it fails in a way that may or may not have been applied
    /// (``mayHaveBeenApplied(_:)``), up to `attempts` times in all with this policy's waits.
    ///
    /// Only for operations that are harmless to repeat — "create if not exists", an insert whose
    /// 409 the caller resolves, an announcement that may be duplicated: a lost answer is then
    /// resolved by asking again.
    public func repeatingLostAnswers<Result: Sendable>(
        attempts: Int? = nil, _ operation: () async throws -> Result
    ) async throws -> Result {
        let attempts = attempts ?? self.maximumAttempts
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch  where Self.mayHaveBeenApplied(error) && attempt < attempts {
                try await Task.sleep(for: self.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// The wait before attempt number `attempt + 1`, after `attempt` failed attempts (from 1).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let cap = min(self.initialDelay * (1 << exponent), self.maximumDelay)
        let capMilliseconds = Self.milliseconds(cap)
        guard capMilliseconds > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...capMilliseconds))
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
