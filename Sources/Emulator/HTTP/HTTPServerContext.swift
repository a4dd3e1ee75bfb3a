//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// The state one ``HTTPServer`` shares with libmicrohttpd's threads.
///
/// libmicrohttpd receives it as an unretained pointer in every callback; the server keeps it
/// alive until `MHD_stop_daemon` has joined every thread that could use it.
final class HTTPServerContext: Sendable {
    /// The application's handler for complete requests.
    let handler: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    /// The handler for requests whose body is too large.
    let oversizedBodyResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    /// Where libmicrohttpd's messages go once the server is running.
    let errorLog: @Sendable (String) -> Void
    /// The handler for requests whose target is too long.
    let targetTooLongResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    /// The handler for requests arriving while the server is at capacity.
    let serverBusyResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
    /// The largest body kept in memory.
    let maximumBodyBytes: Int
    /// The longest request target passed on.
    let maximumTargetBytes: Int
    /// The largest number of requests admitted at once.
    let maximumRequestsInFlight: Int
    /// The receive deadline's keeper; `nil` when the deadline is off.
    let watchdog: HTTPConnectionWatchdog?

    /// Requests admitted and not yet ended.
    let requestsInFlight = Atomic<Int>(0)
    /// Requests answered with the server-busy response since start.
    let requestsRefusedAsBusy = Atomic<Int>(0)

    /// TCP connections accepted since start.
    let connectionsAccepted = Atomic<Int>(0)
    /// TCP connections accepted and not yet closed.
    let openConnections = Atomic<Int>(0)
    /// Per-request states allocated and not yet released; 0 when idle, so tests can detect leaks.
    let liveRequestStates = Atomic<Int>(0)

    /// Messages logged while `MHD_start_daemon` runs, kept to explain a failed start; `nil`
    /// once the server runs and messages go to ``errorLog`` instead.
    private let startupMessages = Mutex<[String]?>([])

    init(
        configuration: HTTPServer.Configuration, handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse
    ) {
        self.handler = handler
        self.oversizedBodyResponse = configuration.oversizedBodyResponse
        self.errorLog = configuration.errorLog
        self.maximumBodyBytes = configuration.maximumBodyBytes
        self.targetTooLongResponse = configuration.targetTooLongResponse
        self.serverBusyResponse = configuration.serverBusyResponse
        self.maximumTargetBytes = configuration.maximumTargetBytes
        self.maximumRequestsInFlight = configuration.maximumRequestsInFlight
        let errorLog = configuration.errorLog
        self.watchdog =
            configuration.requestReceiveTimeout > .zero
            ? HTTPConnectionWatchdog(timeout: configuration.requestReceiveTimeout, log: errorLog) : nil
    }

    /// Takes one of the ``maximumRequestsInFlight`` places, if one is free.
    ///
    /// - Returns: Whether the request was admitted; if so, ``release()`` must follow.
    func admit() -> Bool {
        var current = self.requestsInFlight.load(ordering: .relaxed)
        while current < self.maximumRequestsInFlight {
            let (exchanged, original) = self.requestsInFlight.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged {
                return true
            }
            current = original
        }
        self.requestsRefusedAsBusy.add(1, ordering: .relaxed)
        return false
    }

    /// Gives back a place taken by ``admit()``.
    func release() {
        self.requestsInFlight.subtract(1, ordering: .relaxed)
    }

    /// Records one diagnostic message from libmicrohttpd or from the request callbacks.
    func log(_ message: String) {
        let keptForStartup = self.startupMessages.withLock { messages in
            guard messages != nil else {
                return false
            }
            messages?.append(message)
            return true
        }
        if !keptForStartup {
            self.errorLog(message)
        }
    }

    /// Ends the start-up phase: later messages go to ``errorLog``.
    ///
    /// - Returns: The messages logged during start-up, which explain a failed start.
    func finishStartup() -> [String] {
        self.startupMessages.withLock { messages in
            defer { messages = nil }
            return messages ?? []
        }
    }
}
