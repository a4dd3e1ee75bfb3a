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
        /// The body grew past the limit; further chunks are counted and dropped.
        case discardingBody(droppedBytes: Int)
        /// A response is queued; nothing more is expected.
        case answered
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
