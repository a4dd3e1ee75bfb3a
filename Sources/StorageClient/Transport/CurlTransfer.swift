//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CCurl
import Foundation
import StorageCore
import Synchronization

/// One request's state while libcurl works on it.
///
/// `@unchecked Sendable` because ownership is handed over, never shared: the requesting task
/// sets `continuation` and then submits the transfer through the event loop's mutex (which
/// orders the write before the loop's reads); from then on only the loop thread touches the
/// mutable fields. The one field written from elsewhere, the cancellation flag, is atomic.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPClientRequest
    private let timeoutMilliseconds: Int
    private let connectTimeoutMilliseconds: Int
    private let maximumResponseBytes: Int
    private let userAgent: String

    var continuation: CheckedContinuation<HTTPClientResponse, any Error>?
    let isCancelled = Atomic<Bool>(false)

    private(set) var responseBody: [UInt8] = []
    private(set) var responseHeaders = HTTPHeaders()
    private(set) var exceededResponseLimit = false
    /// How much of the request body libcurl has read.
    private var uploadOffset = 0
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl's detailed message for a failure, which names the host and the system error.
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        return buffer
    }()

    init(request: HTTPClientRequest, configuration: CurlTransport.Configuration) throws {
        guard request.url.hasPrefix("http://") || request.url.hasPrefix("https://") else {
            // Named without its query, which may carry a SAS signature that must not reach a log.
            throw TransportError(
                code: .invalidRequest,
                message: "The URL '\(request.url.prefix { $0 != "?" })' is not an absolute http or https URL.")
        }
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(Self.isTokenByte) else {
            throw TransportError(code: .invalidRequest, message: "The method '\(request.method)' is not an HTTP token.")
        }
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(Self.isTokenByte),
                !field.value.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 })
            else {
                throw TransportError(
                    code: .invalidRequest,
                    message: "The header '\(field.name)' has a name or value that cannot be sent.")
            }
        }
        self.request = request
        self.timeoutMilliseconds = (request.timeout ?? configuration.requestTimeout).curlMilliseconds
        self.connectTimeoutMilliseconds = configuration.connectTimeout.curlMilliseconds
        self.maximumResponseBytes = configuration.maximumResponseBytes
        self.userAgent = configuration.userAgent
    }

    deinit {
        curl_slist_free_all(self.headerList)
        self.errorBuffer.deallocate()
    }

    /// The detail libcurl wrote for a failure, or its generic text for `code`.
    func failureMessage(_ code: CURLcode) -> String {
        let detail = String(cString: self.errorBuffer)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    /// Sets every option of this request on a freshly reset easy handle. Loop thread only.
    func configure(_ handle: UnsafeMutableRawPointer) {
        let opaque = Unmanaged.passUnretained(self).toOpaque()
        _ = ccurl_easy_setopt_string(handle, CURLOPT_URL, self.request.url)
        _ = ccurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, self.errorBuffer)
        _ = ccurl_easy_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = ccurl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, self.timeoutMilliseconds)
        _ = ccurl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, self.connectTimeoutMilliseconds)
        _ = ccurl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = ccurl_easy_setopt_write_function(handle, curlWriteCallback)
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, opaque)
        _ = ccurl_easy_setopt_header_function(handle, curlHeaderCallback)
        _ = ccurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, opaque)

        switch self.request.method {
        case "GET" where self.request.body.isEmpty:
            _ = ccurl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1)
        case "HEAD":
            _ = ccurl_easy_setopt_long(handle, CURLOPT_NOBODY, 1)
        default:
            _ = ccurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, self.request.method)
            if !self.request.body.isEmpty || ["POST", "PUT", "MERGE", "PATCH"].contains(self.request.method) {
                // The body goes through a read callback, not COPYPOSTFIELDS, and no seek callback
                // is set, so libcurl cannot rewind it. When a reused connection dies after the
                // body was sent and before any answer, libcurl would otherwise resend the request
                // on a fresh connection by itself — applying a write twice, unseen by the caller.
                // Without a rewind it fails with CURLE_SEND_FAIL_REWIND: an ambiguous outcome
                // the caller resolves. (A write without a body can still be resent that way.)
                self.uploadOffset = 0
                _ = ccurl_easy_setopt_long(handle, CURLOPT_POST, 1)
                _ = ccurl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(self.request.body.count))
                _ = ccurl_easy_setopt_read_function(handle, curlReadCallback)
                _ = ccurl_easy_setopt_pointer(handle, CURLOPT_READDATA, opaque)
            }
        }

        var list: UnsafeMutablePointer<curl_slist>?
        for field in self.request.headers {
            list = curl_slist_append(list, field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // Suppress what curl would add by itself: Content-Type and Accept are signed or
        // negotiated by the caller, and Expect: 100-continue would cost a round trip.
        for name in ["Content-Type", "Accept", "Expect"] where !self.request.headers.contains(name) {
            list = curl_slist_append(list, "\(name):")
        }
        if !self.request.headers.contains("User-Agent") {
            list = curl_slist_append(list, "User-Agent: \(self.userAgent)")
        }
        self.headerList = list
        _ = ccurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard self.responseBody.count + bytes.count <= self.maximumResponseBytes else {
            self.exceededResponseLimit = true
            return false
        }
        self.responseBody.append(contentsOf: bytes)
        return true
    }

    fileprivate func readBody(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let count = min(capacity, self.request.body.count - self.uploadOffset)
        guard count > 0 else { return 0 }
        self.request.body.withUnsafeBytes { source in
            guard let start = source.baseAddress else { return }
            destination.copyMemory(from: start + self.uploadOffset, byteCount: count)
        }
        self.uploadOffset += count
        return count
    }

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        // Parsed as bytes: Foundation's `trimmingCharacters` bridges through NSString and cost
        // about 7 % of a table request's CPU time in profiles; in a String, "\r\n" is also one
        // Character, which makes byte-wise trimming the simpler rule anyway.
        if bytes.starts(with: "HTTP/".utf8) {
            // A new status line: an interim response (100 Continue) or a redirect came first.
            self.responseHeaders = HTTPHeaders()
            return
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        func isWhitespace(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == 0x0a || byte == 0x0d
        }
        var start = colon + 1
        var end = bytes.count
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<colon]), as: UTF8.self)
        let value = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        self.responseHeaders.add(name: name, value: value)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

private let curlWriteCallback: curl_write_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard let data, length > 0 else { return length }
    // Returning fewer bytes than given makes curl abort with CURLE_WRITE_ERROR.
    return transfer.appendBody(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let curlHeaderCallback: curl_write_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    if let data, length > 0 {
        transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    }
    return length
}

private let curlReadCallback: curl_read_callback = { buffer, size, count, context in
    guard let context, let buffer else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    return transfer.readBody(into: buffer, capacity: size * count)
}
