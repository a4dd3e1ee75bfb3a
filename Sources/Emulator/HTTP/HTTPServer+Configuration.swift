//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import Glibc
import StorageCore

extension HTTPServer {
    /// How an ``HTTPServer`` listens, how many threads it uses and what it accepts.
    ///
    /// Start from ``init(host:port:)`` and change the properties that matter; every property has
    /// a default suitable for tests and for a local emulator.
    public struct Configuration: Sendable {
        /// The IPv4 address to listen on, or a host name that resolves to one.
        ///
        /// The default, `127.0.0.1`, keeps the emulator unreachable from other machines.
        public var host: String
        /// The TCP port to listen on; 0 lets the kernel pick a free one.
        ///
        /// Read the chosen port back from ``HTTPServer/port``. Tests use 0 so that they can
        /// run in parallel without colliding.
        public var port: Int
        /// The number of libmicrohttpd threads that accept connections and run the handler.
        ///
        /// Each thread serves many connections but runs one handler at a time, so this is also
        /// the number of requests that can be handled at once. The default is the number of
        /// active processors.
        public var threadCount: Int
        /// How long an idle connection, such as a keep-alive connection between requests, stays
        /// open; zero keeps idle connections open until the client closes them.
        ///
        /// libmicrohttpd counts whole seconds, so this is rounded up to the next second.
        /// The default is 30 seconds.
        public var connectionTimeout: Duration
        /// The memory each connection may use for the request line and header fields.
        ///
        /// This is libmicrohttpd's per-connection memory pool, which also holds the read buffer
        /// and the response's header block, so a request head must stay somewhat below it.
        /// Larger heads are answered by libmicrohttpd itself with 431 (or 414 when the request
        /// line alone is too long) and the connection is closed. The default is 64 KiB.
        public var maximumHeaderBytes: Int
        /// The largest request body the server reads into memory.
        ///
        /// Larger bodies are answered with ``oversizedBodyResponse`` and the connection is
        /// closed afterwards. A client that sends the body without waiting for `100 Continue`
        /// has up to twice this (at least 1 MiB more) read and dropped first, so that it is not
        /// reset while still sending and does read the answer. The default is 8 MiB.
        public var maximumBodyBytes: Int
        /// The largest number of connections open at once.
        ///
        /// At the limit libmicrohttpd stops accepting: further connections wait in the kernel's
        /// listen backlog (bounded by `somaxconn`), costing the server no memory, and are taken
        /// as open ones close — idle ones after ``connectionTimeout``, slow ones after
        /// ``requestReceiveTimeout``.
        ///
        /// libmicrohttpd divides this evenly among the threads. The default is 1000.
        public var maximumConnections: Int
        /// The longest request target (path and query, as sent) the server passes on.
        ///
        /// Longer targets are answered with ``targetTooLongResponse`` without calling the
        /// handler. It must stay below ``maximumHeaderBytes``, which bounds the whole head. The
        /// default is 32 KiB: room for two 1 KiB entity keys percent-encoded three bytes per
        /// UTF-8 byte, and a SAS.
        public var maximumTargetBytes: Int
        /// The largest number of requests admitted at once: from a complete head until the
        /// response has been sent, body reception included.
        ///
        /// A request arriving while this many are in flight is answered with
        /// ``serverBusyResponse`` instead of waiting, so the memory held by request bodies stays
        /// bounded (at most this many times ``maximumBodyBytes``). The default is 256.
        public var maximumRequestsInFlight: Int
        /// How long a request may take to arrive in full, from the moment its connection is
        /// ready for it (accepted, or the previous response sent); zero turns the limit off.
        ///
        /// ``connectionTimeout`` only measures silence, so a client trickling a head or body one
        /// byte at a time would otherwise hold its connection forever; such a connection is
        /// closed without an answer. A keep-alive connection idle for this long is closed too,
        /// so keep it above ``connectionTimeout``. The default is 60 seconds.
        public var requestReceiveTimeout: Duration
        /// Produces the answer to a request whose target is longer than ``maximumTargetBytes``.
        ///
        /// The request passed in has its method, target and headers but an empty body. The
        /// default answers 414 with a short text.
        public var targetTooLongResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
        /// Produces the answer to a request that arrives while ``maximumRequestsInFlight``
        /// requests are in flight.
        ///
        /// The request passed in has its method, target and headers but an empty body. The
        /// default answers 503 with a short text.
        public var serverBusyResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
        /// Produces the answer to a request whose body is larger than ``maximumBodyBytes``.
        ///
        /// The request passed in has its method, target and headers but an empty body. It runs on
        /// a server thread like the main handler. The default answers 413 with a short text.
        public var oversizedBodyResponse: @Sendable (HTTPServerRequest) -> HTTPServerResponse
        /// Receives libmicrohttpd's diagnostic messages, one line each, without a newline.
        ///
        /// These report rejected requests and connections, such as an oversized header, that
        /// never reach the handler. The default writes them to standard error; tests that
        /// provoke such errors on purpose can pass a closure that ignores them.
        public var errorLog: @Sendable (String) -> Void

        /// Creates a configuration listening on `host` and `port`, with defaults for the rest.
        ///
        /// - Parameters:
        ///   - host: The IPv4 address or host name to listen on.
        ///   - port: The port to listen on; 0 lets the kernel pick one.
        public init(host: String = "127.0.0.1", port: Int = 0) {
            self.host = host
            self.port = port
            self.threadCount = ProcessInfo.processInfo.activeProcessorCount
            self.connectionTimeout = .seconds(30)
            self.maximumHeaderBytes = 64 * 1024
            self.maximumBodyBytes = 8 * 1024 * 1024
            self.maximumConnections = 1000
            self.maximumTargetBytes = 32 * 1024
            self.maximumRequestsInFlight = 256
            self.requestReceiveTimeout = .seconds(60)
            self.targetTooLongResponse = { _ in
                HTTPServerResponse(status: 414, text: "The request target is too long.\n")
            }
            self.serverBusyResponse = { _ in
                HTTPServerResponse(status: 503, headers: ["Retry-After": "1"], text: "The server is busy.\n")
            }
            self.oversizedBodyResponse = { _ in
                HTTPServerResponse(status: 413, text: "The request body is too large.\n")
            }
            self.errorLog = { message in
                Configuration.writeToStandardError("HTTPServer: \(message)\n")
            }
        }

        /// Writes straight to file descriptor 2, because the C `stderr` global is not usable from
        /// Swift 6 code and the message must not wait in a buffer when the process dies.
        private static func writeToStandardError(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                guard let start = bytes.baseAddress else {
                    return
                }
                var offset = 0
                while offset < bytes.count {
                    let written = write(STDERR_FILENO, start + offset, bytes.count - offset)
                    if written <= 0 {
                        return
                    }
                    offset += written
                }
            }
        }
    }
}
