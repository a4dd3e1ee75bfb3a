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
    /// The largest body kept in memory.
    let maximumBodyBytes: Int

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
