//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// What the server has gathered about one request while libmicrohttpd delivers it piecemeal.
///
/// Created in the URI-log callback, which is the only place that sees the request target before
/// libmicrohttpd decodes it, and released in the request-completed callback. libmicrohttpd runs
/// every callback of a connection on that connection's one thread, so this class is not
/// `Sendable` and needs no lock: it only ever travels as an opaque pointer through C.
final class HTTPRequestState {
    /// Where the request is in its life.
    enum Phase {
        /// The head is being parsed; the access handler has not been called yet.
        case awaitingHead
        /// Body chunks are being appended.
        case receivingBody
        /// The request is refused but its body is still arriving; chunks are counted and
        /// dropped, and the refusal is sent once the body has ended.
        case discardingBody(droppedBytes: Int, refusal: Refusal)
        /// A response is queued; nothing more is expected.
        case answered
    }

    /// Why a request is answered by the server itself rather than by the handler.
    enum Refusal {
        /// The body is larger than the limit.
        case bodyTooLarge
        /// The target is longer than the limit.
        case targetTooLong
        /// Too many requests are in flight.
        case serverBusy
    }

    /// The request target exactly as sent.
    let target: String
    /// The request method.
    var method = ""
    /// The header fields in order.
    var headers = HTTPHeaders()
    /// The body received so far, never longer than the configured maximum.
    var body: [UInt8] = []
    /// The client's address.
    var remoteAddress: String?
    /// Where the request is in its life.
    var phase = Phase.awaitingHead
    /// Whether the request holds one of the server's in-flight places, given back when it ends.
    var admitted = false

    init(target: String) {
        self.target = target
    }

    /// The request as the handler sees it.
    ///
    /// - Parameter includingBody: Whether to pass the body along; the oversized-body handler gets
    ///   only the head.
    func makeRequest(includingBody: Bool) -> HTTPServerRequest {
        HTTPServerRequest(
            method: self.method,
            target: self.target,
            headers: self.headers,
            body: includingBody ? self.body : [],
            remoteAddress: self.remoteAddress
        )
    }
}
