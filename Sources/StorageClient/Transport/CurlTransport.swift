//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The production ``HTTPTransport``: libcurl with pooled easy handles and kept-alive connections.
///
/// One dedicated thread drives every transfer through a `curl_multi` handle, so:
/// - blocking network work never runs on Swift's cooperative thread pool;
/// - any number of requests can be in flight without a thread each;
/// - connections are reused across requests (the multi handle owns the connection cache), and
///   easy handles are reset and reused rather than created per request;
/// - cancelling a task removes its transfer at once, without waiting for a timeout.
///
/// Create one transport per process (or per set of clients) and share it; it shuts down when
/// released or on ``shutdown()``.
public final class CurlTransport: HTTPTransport {
    /// The settings in force.
    public let configuration: Configuration
    private let loop: CurlEventLoop

    /// Starts a transport and its network thread.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.loop = CurlEventLoop(configuration: configuration)
    }

    deinit {
        self.loop.shutdown()
    }

    /// Sends `request` and waits for the whole response.
    ///
    /// - Throws: ``TransportError`` when no complete response arrived, or `CancellationError`
    ///   when the calling task was cancelled (the transfer is then abandoned immediately).
    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        try Task.checkCancellation()
        let transfer = try CurlTransfer(request: request, configuration: self.configuration)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                self.loop.submit(transfer)
            }
        } onCancel: {
            self.loop.cancel(transfer)
        }
    }

    /// Stops the network thread, failing any unfinished requests with
    /// ``TransportError/Code/shutDown``. Later requests fail the same way. Idempotent.
    public func shutdown() {
        self.loop.shutdown()
    }

    /// How many TCP connections libcurl has opened so far: with keep-alive working this stays
    /// near the peak concurrency, however many requests are sent.
    public var connectionsOpened: Int {
        self.loop.connectionsOpened
    }
}
