//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// A complete HTTP response received by an ``HTTPTransport``.
public struct HTTPClientResponse: Sendable {
    /// The status code, such as 200.
    public var status: Int
    /// The response headers of the final response (interim `100 Continue` headers dropped).
    public var headers: HTTPHeaders
    /// The whole body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
