//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CMicroHTTPD
import Glibc
import StorageCore
import Synchronization

/// The C callbacks through which libmicrohttpd drives an ``HTTPServer``.
///
/// C function pointers cannot capture context, so each callback is a closure literal that finds
/// its state through the `void *` arguments: the ``HTTPServerContext`` (unretained; the server
/// owns it) and the per-request ``HTTPRequestState`` (retained in the URI-log callback, released
/// in the request-completed callback). All of them run on libmicrohttpd's threads, and all
/// callbacks for one connection run on the same thread.
enum MicroHTTPDCallbacks {
    /// Bytes a client may still send after its body passed the limit before the connection is
    /// dropped without an answer; also the most a refused request's declared body may exceed
    /// the limit by and still be read and dropped before the answer.
    ///
    /// libmicrohttpd 0.9.75 refuses to queue a response while body data is still arriving, so a
    /// chunked body that grows too large can only be answered after its last chunk; and a
    /// client still sending when the server closes gets a reset, which can destroy the answer
    /// before it is read. Reading and dropping a bounded amount lets ordinary clients get their
    /// 413 (or 503); a client that keeps sending is cut off instead of occupying a thread forever.
    static func discardAllowance(maximumBodyBytes: Int) -> Int {
        max(maximumBodyBytes, 1024 * 1024)
    }

    // MARK: Request life cycle

    /// Called with the raw request target before libmicrohttpd splits and decodes it.
    ///
    /// The `url` later given to the access handler is percent-decoded and has lost its query, so
    /// this is the only place that sees the target as sent. The returned pointer becomes the
    /// request's initial `*req_cls`.
    static let uriLog: cmhd_uri_log_callback = { contextPointer, uri, _ in
        // libmicrohttpd passes NULL when the request line has no target at all.
        let state = HTTPRequestState(target: uri.map { String(cString: $0) } ?? "")
        if let contextPointer {
            let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
            context.liveRequestStates.add(1, ordering: .relaxed)
        }
        return Unmanaged.passRetained(state).toOpaque()
    }

    /// Called once a request has ended, answered or not; frees its state.
    ///
    /// libmicrohttpd calls this for every request the URI-log callback saw — completed, failed
    /// with an error of its own (such as 431) or cut off by a closed connection or a shutdown.
    static let requestCompleted: MHD_RequestCompletedCallback = { contextPointer, connection, requestSlot, _ in
        guard let requestSlot, let statePointer = requestSlot.pointee else {
            return
        }
        let state = Unmanaged<HTTPRequestState>.fromOpaque(statePointer).takeRetainedValue()
        requestSlot.pointee = nil
        if let contextPointer {
            let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
            context.liveRequestStates.subtract(1, ordering: .relaxed)
            if state.admitted {
                state.admitted = false
                context.release()
            }
            if let connection {
                context.watchdog?.requestEnded(on: UInt(bitPattern: connection))
            }
        }
    }

    /// Counts TCP connections as libmicrohttpd opens and closes them, and shows them to the
    /// receive-deadline watchdog.
    static let connectionNotification: MHD_NotifyConnectionCallback = { contextPointer, connection, _, event in
        guard let contextPointer else {
            return
        }
        let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
        switch event {
        case .CONNECTION_NOTIFY_STARTED:
            context.connectionsAccepted.add(1, ordering: .relaxed)
            context.openConnections.add(1, ordering: .relaxed)
            if let connection, let watchdog = context.watchdog {
                watchdog.connectionOpened(UInt(bitPattern: connection), socket: cmhd_connection_socket(connection))
            }
        case .CONNECTION_NOTIFY_CLOSED:
            context.openConnections.subtract(1, ordering: .relaxed)
            if let connection {
                context.watchdog?.connectionClosed(UInt(bitPattern: connection))
            }
        }
    }

    /// Formats libmicrohttpd's `printf`-style messages and hands them to the context.
    static let logger: MHD_LogCallback = { contextPointer, format, arguments in
        guard let contextPointer, let format, let arguments else {
            return
        }
        let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = vsnprintf(&buffer, buffer.count, format, arguments)
        guard length > 0 else {
            return
        }
        let bytes = buffer.prefix(min(Int(length), buffer.count - 1)).map { UInt8(bitPattern: $0) }
        var message = String(decoding: bytes, as: UTF8.self)
        while message.last?.isNewline == true {
            message.removeLast()
        }
        // libmicrohttpd's words for an access handler returning NO, which this server does only
        // to drop a connection on purpose (and logs itself when that is worth a line).
        guard message != "Application reported internal error, closing connection." else {
            return
        }
        context.log(message)
    }

    // MARK: Access handler

    /// Called several times per request: once with the head, once per body chunk, and once more
    /// with no data when the request is complete (libmicrohttpd's documented protocol).
    static let accessHandler: MHD_AccessHandlerCallback = {
        contextPointer, connection, url, method, _, uploadData, uploadDataSize, requestSlot in
        // libmicrohttpd always passes these; without them there is no request to answer.
        guard let contextPointer, let connection, let uploadDataSize, let requestSlot else {
            return .NO
        }
        let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
        let state: HTTPRequestState
        if let statePointer = requestSlot.pointee {
            state = Unmanaged<HTTPRequestState>.fromOpaque(statePointer).takeUnretainedValue()
        } else {
            // The URI-log callback runs for every request in libmicrohttpd 0.9.75; should a
            // version skip it, the decoded URL is the best target there is.
            state = HTTPRequestState(target: url.map { String(cString: $0) } ?? "")
            requestSlot.pointee = Unmanaged.passRetained(state).toOpaque()
            context.liveRequestStates.add(1, ordering: .relaxed)
        }

        switch state.phase {
        case .awaitingHead:
            state.method = method.map { String(cString: $0) } ?? ""
            Self.collectHeaders(of: connection, into: state)
            state.remoteAddress = Self.clientAddress(of: connection)
            return Self.startRequest(state, on: connection, context: context)

        case .receivingBody:
            let chunkSize = uploadDataSize.pointee
            if chunkSize > 0 {
                uploadDataSize.pointee = 0
                if state.body.count + chunkSize > context.maximumBodyBytes {
                    // Only a chunked body can get here: a declared length was checked above.
                    let received = state.body.count + chunkSize
                    state.body = []
                    state.phase = .discardingBody(droppedBytes: received, refusal: .bodyTooLarge)
                } else if let uploadData {
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: chunkSize))
                }
                return .YES
            }
            state.phase = .answered
            context.watchdog?.requestReceived(on: UInt(bitPattern: connection))
            let request = state.makeRequest(includingBody: true)
            // The request now holds the only reference, so the body is freed with it.
            state.body = []
            let response = context.handler(request)
            return Self.queue(response, method: state.method, on: connection, closing: false, context: context)

        case .discardingBody(let droppedBytes, let refusal):
            let chunkSize = uploadDataSize.pointee
            if chunkSize > 0 {
                uploadDataSize.pointee = 0
                let dropped = droppedBytes + chunkSize
                let allowance = Self.discardAllowance(maximumBodyBytes: context.maximumBodyBytes)
                if dropped > context.maximumBodyBytes + allowance {
                    context.log(
                        "closing connection: body of refused \(state.method) \(LogRedaction.redacting(state.target)) "
                            + "passed \(context.maximumBodyBytes + allowance) bytes and kept coming")
                    return .NO
                }
                state.phase = .discardingBody(droppedBytes: dropped, refusal: refusal)
                return .YES
            }
            // A body over the limit closes the connection whatever happened to it, as clients
            // expect; any other refusal keeps a connection whose request left nothing unread.
            let closing = droppedBytes > 0 || refusal == .bodyTooLarge
            return Self.refuse(state, refusal, on: connection, closing: closing, context: context)

        case .answered:
            // libmicrohttpd does not call again once a response is queued; should it, the data
            // is consumed so that the connection cannot stall.
            uploadDataSize.pointee = 0
            return .YES
        }
    }

    /// Decides, once the head is complete, whether the handler will see the request.
    ///
    /// A request is refused when its target is too long, its declared body too large, or the
    /// server has no place left for it. A refused request with a body still to come is answered
    /// at once when the client waits for `100 Continue` (which is then never sent) or declared
    /// more than can reasonably be dropped; otherwise its body is read and dropped first, because
    /// a client still sending when the server closes gets a reset and may never read the answer.
    private static func startRequest(
        _ state: HTTPRequestState, on connection: OpaquePointer, context: HTTPServerContext
    ) -> MHD_Result {
        let declaredLength = state.headers["Content-Length"].flatMap { UInt64($0) }
        let refusal: HTTPRequestState.Refusal?
        if state.target.utf8.count > context.maximumTargetBytes {
            refusal = .targetTooLong
        } else if let declaredLength, declaredLength > UInt64(context.maximumBodyBytes) {
            refusal = .bodyTooLarge
        } else if context.admit() {
            state.admitted = true
            refusal = nil
        } else {
            refusal = .serverBusy
        }
        guard let refusal else {
            if let declaredLength, declaredLength > 0 {
                state.body.reserveCapacity(Int(declaredLength))
            }
            state.phase = .receivingBody
            return .YES
        }
        let isChunked = state.headers["Transfer-Encoding"]?.lowercased().contains("chunked") == true
        let bodyFollows = isChunked || (declaredLength ?? 0) > 0
        guard bodyFollows else {
            // Answered in the call that follows at once: libmicrohttpd closes the connection
            // after any response queued with the head, and this one can stay open.
            state.phase = .discardingBody(droppedBytes: 0, refusal: refusal)
            return .YES
        }
        let waitsForContinue = state.headers["Expect"]?.lowercased() == "100-continue"
        let allowance = Self.discardAllowance(maximumBodyBytes: context.maximumBodyBytes)
        let dropLimit = UInt64(context.maximumBodyBytes + allowance)
        if waitsForContinue || (declaredLength ?? 0) > dropLimit {
            // Answering before the body is read makes libmicrohttpd skip `100 Continue` and
            // close the connection after the response, so the unread body can never be mistaken
            // for a next request.
            return Self.refuse(state, refusal, on: connection, closing: true, context: context)
        }
        state.phase = .discardingBody(droppedBytes: 0, refusal: refusal)
        return .YES
    }

    /// Queues the server's own answer to a refused request.
    private static func refuse(
        _ state: HTTPRequestState, _ refusal: HTTPRequestState.Refusal, on connection: OpaquePointer, closing: Bool,
        context: HTTPServerContext
    ) -> MHD_Result {
        state.phase = .answered
        context.watchdog?.requestReceived(on: UInt(bitPattern: connection))
        let request = state.makeRequest(includingBody: false)
        let response: HTTPServerResponse
        switch refusal {
        case .bodyTooLarge: response = context.oversizedBodyResponse(request)
        case .targetTooLong: response = context.targetTooLongResponse(request)
        case .serverBusy: response = context.serverBusyResponse(request)
        }
        return Self.queue(response, method: state.method, on: connection, closing: closing, context: context)
    }

    // MARK: Request head

    /// Appends one header field to the ``HTTPRequestState`` passed as context.
    private static let headerCollector: MHD_KeyValueIterator = { statePointer, _, name, value in
        guard let statePointer, let name else {
            return .YES
        }
        let state = Unmanaged<HTTPRequestState>.fromOpaque(statePointer).takeUnretainedValue()
        state.headers.add(name: String(cString: name), value: value.map { String(cString: $0) } ?? "")
        return .YES
    }

    /// Stores the request's header fields in `state`, in the order received, repeats included.
    private static func collectHeaders(of connection: OpaquePointer, into state: HTTPRequestState) {
        state.headers = HTTPHeaders()
        // The state is retained by the request slot for the whole call.
        _ = MHD_get_connection_values(
            connection, .HEADER_KIND, Self.headerCollector, Unmanaged.passUnretained(state).toOpaque())
    }

    /// The client's address as `host:port`, or `nil` if libmicrohttpd does not know it.
    private static func clientAddress(of connection: OpaquePointer) -> String? {
        guard let address = cmhd_connection_client_address(connection) else {
            return nil
        }
        let family = Int32(address.pointee.sa_family)
        let length: Int
        switch family {
        case AF_INET: length = MemoryLayout<sockaddr_in>.size
        case AF_INET6: length = MemoryLayout<sockaddr_in6>.size
        default: return nil
        }
        var host = [CChar](repeating: 0, count: 64)
        var service = [CChar](repeating: 0, count: 16)
        let status = getnameinfo(
            address, socklen_t(length), &host, socklen_t(host.count), &service, socklen_t(service.count),
            NI_NUMERICHOST | NI_NUMERICSERV)
        guard status == 0 else {
            return nil
        }
        let hostText = Self.string(fromNullTerminated: host)
        let serviceText = Self.string(fromNullTerminated: service)
        return family == AF_INET6 ? "[\(hostText)]:\(serviceText)" : "\(hostText):\(serviceText)"
    }

    private static func string(fromNullTerminated characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Responses

    /// A reader for responses that announce a length but never send a body (`HEAD`, 304).
    ///
    /// libmicrohttpd does not call it for those; if it ever did, failing closes the connection
    /// rather than sending bytes the client does not expect.
    private static let bodylessReader: MHD_ContentReaderCallback = { _, _, _, _ in
        -2  // MHD_CONTENT_READER_END_WITH_ERROR, a cast macro Swift does not import
    }

    /// Hands a response to libmicrohttpd for sending.
    ///
    /// - Parameters:
    ///   - closing: Whether to close the connection after the response, for answers sent while
    ///     request data may still be unread.
    /// - Returns: libmicrohttpd's verdict; `.NO` makes it close the connection.
    private static func queue(
        _ response: HTTPServerResponse,
        method: String,
        on connection: OpaquePointer,
        closing: Bool,
        context: HTTPServerContext
    ) -> MHD_Result {
        // Returning NO without queuing makes libmicrohttpd close the connection unanswered.
        guard !response.closesWithoutAnswer else {
            return .NO
        }
        var response = response
        // 1xx answers would need a final response after them, which this server cannot send.
        if !(200...999).contains(response.status) {
            context.log("handler answered \(method) with status \(response.status); sending 500 instead")
            response = HTTPServerResponse(status: 500, text: "The handler produced an invalid status.\n")
        }
        if closing {
            response.headers.replaceOrAdd(name: "Connection", value: "close")
        }
        guard let handle = Self.makeResponseHandle(for: response, method: method) else {
            context.log("could not allocate a response of \(response.body.count) bytes")
            return .NO
        }
        defer { MHD_destroy_response(handle) }
        // libmicrohttpd writes Content-Length itself (from the body or, without one, as declared).
        var headers = response.headers
        headers.remove(name: "Content-Length")
        for field in headers {
            // libmicrohttpd 0.9.75 refuses empty values; leaving the field out is the closest.
            if field.value.isEmpty {
                continue
            }
            if MHD_add_response_header(handle, field.name, field.value) == .NO {
                context.log("libmicrohttpd refused response header \(field.name); sending 500 instead")
                let replacement = HTTPServerResponse(status: 500, text: "The handler produced an invalid header.\n")
                return Self.queue(replacement, method: method, on: connection, closing: closing, context: context)
            }
        }
        let result = MHD_queue_response(connection, UInt32(response.status), handle)
        if result == .NO {
            context.log("libmicrohttpd refused to queue a \(response.status) response to \(method)")
        }
        return result
    }

    /// Creates the libmicrohttpd response object that carries the body and its length.
    private static func makeResponseHandle(for response: HTTPServerResponse, method: String) -> OpaquePointer? {
        let sendsBody = method != "HEAD" && response.status != 304
        if !sendsBody {
            // libmicrohttpd announces the object's size as Content-Length but sends nothing, so
            // a HEAD answer can state the size of the body a GET would return.
            let declared = response.headers["Content-Length"].flatMap { UInt64($0) }
            let size = declared ?? UInt64(response.body.count)
            return MHD_create_response_from_callback(size, 4096, Self.bodylessReader, nil, nil)
        }
        // MUST_COPY costs one copy of the body; handing libmicrohttpd the array's own storage
        // would need the pointer to outlive `withUnsafeBytes`, which Swift does not promise.
        return response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
    }
}
