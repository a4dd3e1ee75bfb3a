//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A minimal blocking client of the Redis protocol (RESP2) over one TCP connection.
///
/// Blocking by design: it is driven from threads of its own (see
/// ``Measurement/runOnThreads(concurrency:window:makeCaller:)``), one connection per thread,
/// the way a Redis lock client of a threaded service holds its connection.
final class RedisConnection {
    /// One reply.
    enum Reply: Equatable {
        case simple(String)
        case error(String)
        case integer(Int)
        case bulk([UInt8]?)
        case array([Reply]?)

        /// The text of a simple or bulk string reply.
        var text: String? {
            switch self {
            case .simple(let text): text
            case .bulk(let bytes?): String(decoding: bytes, as: UTF8.self)
            default: nil
            }
        }
    }

    private let socket: Int32
    private var buffer: [UInt8] = []
    private var position = 0

    /// Connects to `127.0.0.1:port`, with Nagle's algorithm off as every Redis client does.
    init(port: Int) throws {
        self.socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.socket >= 0 else { throw BenchmarkFailure("socket() failed: errno \(errno)") }
        var address = LoopbackPort.loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(self.socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(self.socket)
            throw BenchmarkFailure("cannot connect to redis-server on port \(port): errno \(errno)")
        }
        var on: Int32 = 1
        setsockopt(self.socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit {
        close(self.socket)
    }

    /// Sends one command and reads its reply; an error reply is returned, not thrown.
    func command(_ arguments: [String]) throws -> Reply {
        var request = Array("*\(arguments.count)\r\n".utf8)
        for argument in arguments {
            let bytes = Array(argument.utf8)
            request += Array("$\(bytes.count)\r\n".utf8) + bytes + [13, 10]
        }
        var sent = 0
        while sent < request.count {
            let written = request[sent...].withUnsafeBytes { send(self.socket, $0.baseAddress, $0.count, 0) }
            guard written > 0 else { throw BenchmarkFailure("redis: send failed: errno \(errno)") }
            sent += written
        }
        return try self.readReply()
    }

    private func readReply() throws -> Reply {
        let line = try self.readLine()
        guard let kind = line.first else { throw BenchmarkFailure("redis: empty reply line") }
        let rest = String(decoding: line.dropFirst(), as: UTF8.self)
        switch kind {
        case UInt8(ascii: "+"): return .simple(rest)
        case UInt8(ascii: "-"): return .error(rest)
        case UInt8(ascii: ":"):
            guard let value = Int(rest) else { throw BenchmarkFailure("redis: bad integer '\(rest)'") }
            return .integer(value)
        case UInt8(ascii: "$"):
            guard let length = Int(rest) else { throw BenchmarkFailure("redis: bad length '\(rest)'") }
            if length < 0 { return .bulk(nil) }
            let bytes = try self.readBytes(length + 2)
            return .bulk(Array(bytes.dropLast(2)))
        case UInt8(ascii: "*"):
            guard let count = Int(rest) else { throw BenchmarkFailure("redis: bad count '\(rest)'") }
            if count < 0 { return .array(nil) }
            return .array(try (0..<count).map { _ in try self.readReply() })
        default:
            throw BenchmarkFailure("redis: unknown reply type \(kind)")
        }
    }

    /// The next line, without its CRLF.
    private func readLine() throws -> ArraySlice<UInt8> {
        while true {
            if let end = self.buffer[self.position...].firstIndex(of: 10), end > self.position {
                let line = self.buffer[self.position..<(end - 1)]
                self.position = end + 1
                return line
            }
            try self.fill()
        }
    }

    private func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        while self.buffer.count - self.position < count {
            try self.fill()
        }
        defer { self.position += count }
        return self.buffer[self.position..<(self.position + count)]
    }

    /// Reads what the socket has, keeping the unread part of the buffer.
    private func fill() throws {
        if self.position > 0 {
            self.buffer.removeFirst(self.position)
            self.position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let received = chunk.withUnsafeMutableBytes { recv(self.socket, $0.baseAddress, $0.count, 0) }
        guard received > 0 else { throw BenchmarkFailure("redis: connection closed (errno \(errno))") }
        self.buffer += chunk[0..<received]
    }
}
