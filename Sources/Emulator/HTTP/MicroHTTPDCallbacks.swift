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
    /// dropped without an answer.
    ///
    /// libmicrohttpd 0.9.75 refuses to queue a response while body data is still arriving, so a
    /// chunked body that grows too large can only be answered after its last chunk. Reading and
    /// dropping a bounded amount lets ordinary clients get their 413; a client that keeps
    /// sending is cut off instead of occupying a thread forever.
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
    static let requestCompleted: MHD_RequestCompletedCallback = { contextPointer, _, requestSlot, _ in
        guard let requestSlot, let statePointer = requestSlot.pointee else {
            return
        }
        Unmanaged<HTTPRequestState>.fromOpaque(statePointer).release()
        requestSlot.pointee = nil
        if let contextPointer {
            let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
            context.liveRequestStates.subtract(1, ordering: .relaxed)
        }
    }

    /// Counts TCP connections as libmicrohttpd opens and closes them.
    static let connectionNotification: MHD_NotifyConnectionCallback = { contextPointer, _, _, event in
        guard let contextPointer else {
            return
        }
        let context = Unmanaged<HTTPServerContext>.fromOpaque(contextPointer).takeUnretainedValue()
        switch event {
        case .CONNECTION_NOTIFY_STARTED:
            context.connectionsAccepted.add(1, ordering: .relaxed)
            context.openConnections.add(1, ordering: .relaxed)
        case .CONNECTION_NOTIFY_CLOSED:
            context.openConnections.subtract(1, ordering: .relaxed)
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
            let declaredLength = state.headers["Content-Length"].flatMap { UInt64($0) }
            if let declaredLength, declaredLength > UInt64(context.maximumBodyBytes) {
                // Answering now, before any of the body is read, is what libmicrohttpd allows at
                // this point; it then skips `100 Continue` and closes the connection after the
                // response, so the unread body can never be mistaken for a next request.
                state.phase = .answered
                let response = context.oversizedBodyResponse(state.makeRequest(includingBody: false))
                return Self.queue(response, method: state.method, on: connection, closing: true, context: context)
            }
            if let declaredLength, declaredLength > 0 {
                state.body.reserveCapacity(Int(declaredLength))
            }
            state.phase = .receivingBody
            return .YES

        case .receivingBody:
            let chunkSize = uploadDataSize.pointee
            if chunkSize > 0 {
                uploadDataSize.pointee = 0
                if state.body.count + chunkSize > context.maximumBodyBytes {
                    // Only a chunked body can get here: a declared length was checked above.
                    let received = state.body.count + chunkSize
                    state.body = []
                    state.phase = .discardingBody(droppedBytes: received)
                } else if let uploadData {
                    state.body.append(contentsOf: UnsafeRawBufferPointer(start: uploadData, count: chunkSize))
                }
                return .YES
            }
            state.phase = .answered
            let request = state.makeRequest(includingBody: true)
            // The request now holds the only reference, so the body is freed with it.
            state.body = []
            let response = context.handler(request)
            return Self.queue(response, method: state.method, on: connection, closing: false, context: context)

        case .discardingBody(let droppedBytes):
            let chunkSize = uploadDataSize.pointee
            if chunkSize > 0 {
                uploadDataSize.pointee = 0
                let dropped = droppedBytes + chunkSize
                let allowance = Self.discardAllowance(maximumBodyBytes: context.maximumBodyBytes)
                if dropped > context.maximumBodyBytes + allowance {
                    context.log(
                        "closing connection: chunked body of \(state.method) \(state.target) "
                            + "passed \(context.maximumBodyBytes) bytes and kept coming")
                    return .NO
                }
                state.phase = .discardingBody(droppedBytes: dropped)
                return .YES
            }
            state.phase = .answered
            let response = context.oversizedBodyResponse(state.makeRequest(includingBody: false))
            return Self.queue(response, method: state.method, on: connection, closing: true, context: context)

        case .answered:
            // libmicrohttpd does not call again once a response is queued; should it, the data
            // is consumed so that the connection cannot stall.
            uploadDataSize.pointee = 0
            return .YES
        }
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
