//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Glibc
import StorageCore

/// A minimal HTTP/1.1 client over one blocking TCP socket, for testing the server.
///
/// Tests need what ordinary clients hide: the exact bytes of the request target, several
/// requests on one known connection, malformed or oversized requests, and whether the server
/// closed the connection. Every read has a timeout, so a server bug fails a test rather than
/// hanging it.
final class RawHTTPConnection {
    /// A response as parsed from the wire.
    struct Response {
        /// The status code.
        var status: Int
        /// The header fields as sent.
        var headers: HTTPHeaders
        /// The body, exactly `Content-Length` bytes (or up to the close when there is none).
        var body: [UInt8]

        /// The body as UTF-8 text.
        var text: String { String(decoding: self.body, as: UTF8.self) }
    }

    /// Why a socket operation failed.
    struct Failure: Error, CustomStringConvertible {
        /// What was attempted and what happened.
        var description: String
        /// The errno value, or 0 when the failure was not a system call's.
        var errorNumber: Int32 = 0
    }

    private let socketDescriptor: Int32
    /// Bytes received but not yet consumed, such as the start of a pipelined response.
    private var pending: [UInt8] = []

    /// Connects to `host:port`.
    ///
    /// - Parameter timeout: How long any single read may wait before it fails.
    init(port: Int, host: String = "127.0.0.1", timeout: Duration = .seconds(10)) throws {
        self.socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.socketDescriptor >= 0 else {
            throw Failure(description: "socket() failed", errorNumber: errno)
        }
        let (seconds, attoseconds) = timeout.components
        var readTimeout = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(
            self.socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &readTimeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let failure = Failure(description: "connect() to \(host):\(port) failed", errorNumber: errno)
            close(self.socketDescriptor)
            throw failure
        }
    }

    deinit {
        close(self.socketDescriptor)
    }

    /// Sends bytes, failing (rather than raising SIGPIPE) if the server has closed the connection.
    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        try bytes.withUnsafeBytes { buffer in
            guard let start = buffer.baseAddress else {
                return
            }
            while offset < buffer.count {
                let written = Glibc.send(
                    self.socketDescriptor, start + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                guard written > 0 else {
                    throw Failure(description: "send() failed after \(offset) bytes", errorNumber: errno)
                }
                offset += written
            }
        }
    }

    /// Sends text as UTF-8.
    func send(_ text: String) throws {
        try self.send(Array(text.utf8))
    }

    /// Sends a request with a `Content-Length` body, adding `Host` and `Content-Length`.
    func sendRequest(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: test\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        if !body.isEmpty || method == "PUT" || method == "POST" {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try self.send(Array(head.utf8) + body)
    }

    /// Reads one response.
    ///
    /// - Parameters:
    ///   - toHead: Whether the request was `HEAD`, whose response has no body despite its
    ///     `Content-Length`.
    ///   - skippingInterim: Whether to pass over `1xx` responses such as `100 Continue`.
    func readResponse(toHead: Bool = false, skippingInterim: Bool = true) throws -> Response {
        while true {
            let headEnd = try self.readUntilHeadEnd()
            let headText = String(decoding: self.pending[..<headEnd], as: UTF8.self)
            self.pending.removeSubrange(..<(headEnd + 4))
            // "\r\n" is a single Character in Swift, so this splits at line ends.
            var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false)
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
                throw Failure(description: "malformed status line in \(headText)")
            }
            var headers = HTTPHeaders()
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else {
                    throw Failure(description: "malformed header line \(line)")
                }
                let value = line[line.index(after: colon)...].drop { $0 == " " }
                headers.add(name: String(line[..<colon]), value: String(value))
            }
            if (100...199).contains(status) {
                if skippingInterim {
                    continue
                }
                return Response(status: status, headers: headers, body: [])
            }
            let body: [UInt8]
            if toHead || status == 204 || status == 304 {
                body = []
            } else if let length = headers["Content-Length"].flatMap({ Int($0) }) {
                body = try self.readExactly(length)
            } else if headers["Transfer-Encoding"]?.lowercased() == "chunked" {
                body = try self.readChunkedBody()
            } else {
                body = try self.readToEnd()
            }
            return Response(status: status, headers: headers, body: body)
        }
    }

    /// Whether the server closes the connection within the read timeout, with no further bytes.
    func serverClosesConnection() throws -> Bool {
        guard self.pending.isEmpty else {
            return false
        }
        var byte: UInt8 = 0
        let received = recv(self.socketDescriptor, &byte, 1, 0)
        if received == 0 {
            return true
        }
        if received < 0 && errno == ECONNRESET {
            return true
        }
        if received < 0 {
            throw Failure(description: "recv() failed while waiting for the close", errorNumber: errno)
        }
        self.pending.append(byte)
        return false
    }

    /// Whether a TCP connection to `port` is accepted.
    static func canConnect(port: Int) -> Bool {
        (try? RawHTTPConnection(port: port)) != nil
    }

    // MARK: Reading

    /// Receives more bytes into `pending`; returns false at end of stream.
    private func receiveMore() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        let received = recv(self.socketDescriptor, &chunk, chunk.count, 0)
        if received < 0 {
            let code = errno
            let reason = code == EAGAIN || code == EWOULDBLOCK ? "timed out" : "failed"
            throw Failure(description: "recv() \(reason)", errorNumber: code)
        }
        if received == 0 {
            return false
        }
        self.pending.append(contentsOf: chunk[..<received])
        return true
    }

    private func readUntilHeadEnd() throws -> Int {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var searchFrom = 0
        while true {
            if self.pending.count >= 4 {
                for index in searchFrom...(self.pending.count - 4)
                where self.pending[index..<(index + 4)].elementsEqual(terminator) {
                    return index
                }
                searchFrom = self.pending.count - 3
            }
            guard try self.receiveMore() else {
                throw Failure(description: "connection closed before a complete response head")
            }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while self.pending.count < count {
            guard try self.receiveMore() else {
                throw Failure(description: "connection closed after \(self.pending.count) of \(count) body bytes")
            }
        }
        let bytes = Array(self.pending[..<count])
        self.pending.removeSubrange(..<count)
        return bytes
    }

    private func readLine() throws -> String {
        while true {
            if let newline = self.pending.firstIndex(of: 10) {
                let line = String(decoding: self.pending[..<newline], as: UTF8.self)
                self.pending.removeSubrange(...newline)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard try self.receiveMore() else {
                throw Failure(description: "connection closed inside a chunked body")
            }
        }
    }

    private func readChunkedBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeText = try self.readLine().split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText, radix: 16) else {
                throw Failure(description: "malformed chunk size \(sizeText)")
            }
            if size == 0 {
                while try !self.readLine().isEmpty {}
                return body
            }
            body += try self.readExactly(size)
            _ = try self.readLine()
        }
    }

    private func readToEnd() throws -> [UInt8] {
        while try self.receiveMore() {}
        defer { self.pending = [] }
        return self.pending
    }
}
