//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Something that sends one HTTP request and returns the response.
///
/// The storage clients talk to the network only through this, so a test, a benchmark or a
/// fault-injecting wrapper can stand in for ``CurlTransport`` without touching them.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits for the whole response.
    ///
    /// Any status code is a response, not an error: a 404 returns normally.
    ///
    /// - Throws: ``TransportError`` when no complete response arrived, or `CancellationError`
    ///   when the calling task was cancelled first.
    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse
}
