//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CMicroHTTPD
import Glibc
import Synchronization

/// The emulator's HTTP/1.1 server, built on libmicrohttpd.
///
/// The server starts listening in ``init(configuration:handler:)`` and stops in ``shutdown()``
/// or when it is deallocated. Each complete request is passed to the handler, which returns
/// the response:
///
/// ```swift
/// let server = try HTTPServer { request in
///     HTTPServerResponse(status: 200, text: "\(request.method) \(request.target)\n")
/// }
/// print("listening on \(server.host):\(server.port)")
/// ```
///
/// The handler runs synchronously on libmicrohttpd's own threads, never on Swift's cooperative
/// thread pool. That is deliberate: the emulator's handlers make blocking SQLite calls, which
/// would starve the pool's few threads. A slow handler holds up only the connections served by
/// its thread; ``Configuration/threadCount`` sets how many handlers can run at once.
///
/// Connections are kept alive between requests until ``Configuration/connectionTimeout``.
/// Request bodies are read into memory up to ``Configuration/maximumBodyBytes``; larger ones
/// are answered by ``Configuration/oversizedBodyResponse`` and never buffered. At most
/// ``Configuration/maximumRequestsInFlight`` requests are admitted at once (the rest are answered
/// by ``Configuration/serverBusyResponse``), targets over ``Configuration/maximumTargetBytes``
/// get ``Configuration/targetTooLongResponse``, and a connection whose request does not arrive
/// within ``Configuration/requestReceiveTimeout`` is closed.
///
/// > Note: Deallocating the server shuts it down, which waits for libmicrohttpd's threads. The
/// > last reference must therefore not be released inside a handler, and handlers should not
/// > hold the server strongly (that cycle would keep it running forever).
public final class HTTPServer: Sendable {
    /// The IPv4 address the server listens on, in dotted form, with host names resolved.
    public let host: String
    /// The TCP port the server listens on; with port 0 configured, the one the kernel picked.
    public let port: Int

    /// The number of TCP connections accepted since the server started.
    ///
    /// A client that reuses its connection for several requests adds one, so this shows
    /// whether keep-alive works.
    public var connectionsAccepted: Int {
        self.context.connectionsAccepted.load(ordering: .relaxed)
    }

    /// The number of TCP connections currently open; 0 after ``shutdown()``.
    public var openConnections: Int {
        self.context.openConnections.load(ordering: .relaxed)
    }

    /// The number of requests admitted and not yet ended: being received, handled or answered.
    public var requestsInFlight: Int {
        self.context.requestsInFlight.load(ordering: .relaxed)
    }

    /// The number of requests answered with ``Configuration/serverBusyResponse`` since start.
    public var requestsRefusedAsBusy: Int {
        self.context.requestsRefusedAsBusy.load(ordering: .relaxed)
    }

    /// The number of connections closed because their request did not arrive within
    /// ``Configuration/requestReceiveTimeout``.
    public var connectionsCutOff: Int {
        self.context.watchdog?.connectionsCutOff.load(ordering: .relaxed) ?? 0
    }

    /// The number of requests whose state is allocated: in progress, or leaked if not 0 when idle.
    package var liveRequestStates: Int {
        self.context.liveRequestStates.load(ordering: .relaxed)
    }

    /// The state shared with libmicrohttpd's threads, which hold it unretained; this reference
    /// keeps it alive until ``shutdown()`` has joined them.
    private let context: HTTPServerContext
    /// The running daemon; `nil` once shut down, so that it is stopped exactly once.
    private let daemon: Mutex<DaemonHandle?>

    /// Starts a server and begins accepting connections.
    ///
    /// - Parameters:
    ///   - configuration: Where to listen and what to accept.
    ///   - handler: Answers each complete request. It runs on libmicrohttpd's threads, many at a
    ///     time, and must not call ``shutdown()`` (that would wait for its own thread).
    /// - Throws: ``HTTPServerError`` when the configuration is invalid, the host cannot be
    ///   resolved, the address cannot be bound (for example, the port is in use) or
    ///   libmicrohttpd fails to start.
    public init(
        configuration: Configuration = Configuration(),
        handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse
    ) throws {
        let settings = try Self.validatedSettings(configuration)
        var address = try Self.resolveIPv4Address(host: configuration.host, port: configuration.port)
        let host = Self.dottedForm(of: address.sin_addr)
        let context = HTTPServerContext(configuration: configuration, handler: handler)
        let contextPointer = Unmanaged.passUnretained(context).toOpaque()

        var errorNumber: Int32 = 0
        let started: OpaquePointer? = withUnsafePointer(to: &address) { addressPointer in
            var daemonSettings = cmhd_daemon_settings(
                flags: MHD_USE_INTERNAL_POLLING_THREAD.rawValue | MHD_USE_EPOLL.rawValue
                    | MHD_USE_ERROR_LOG.rawValue,
                address: addressPointer,
                thread_pool_size: settings.threadPoolSize,
                connection_limit: settings.connectionLimit,
                connection_timeout: settings.connectionTimeoutSeconds,
                memory_limit: settings.memoryLimit,
                access_handler: MicroHTTPDCallbacks.accessHandler,
                request_completed: MicroHTTPDCallbacks.requestCompleted,
                connection_notification: MicroHTTPDCallbacks.connectionNotification,
                uri_log: MicroHTTPDCallbacks.uriLog,
                logger: MicroHTTPDCallbacks.logger,
                context: contextPointer)
            return cmhd_start_daemon(&daemonSettings, &errorNumber)
        }
        let startupMessages = context.finishStartup()
        let endpoint = "\(host):\(configuration.port)"
        guard let started else {
            context.watchdog?.stop()
            throw Self.startError(errorNumber: errorNumber, endpoint: endpoint, messages: startupMessages)
        }
        // Read before the handle goes into the Mutex: the pointer is not Sendable, so it cannot
        // be used once it has been sent there.
        let boundPort = Int(cmhd_daemon_bound_port(started))
        guard boundPort != 0 else {
            MHD_stop_daemon(started)
            context.watchdog?.stop()
            throw HTTPServerError(
                code: .startFailed, message: "libmicrohttpd started on \(endpoint) but did not report its port")
        }
        // Warnings from a successful start are still worth seeing.
        startupMessages.forEach(configuration.errorLog)
        self.host = host
        self.port = boundPort
        self.context = context
        self.daemon = Mutex(DaemonHandle(pointer: started))
    }

    deinit {
        self.shutdown()
    }

    /// Stops accepting connections, closes open ones and waits for the server's threads to end.
    ///
    /// Calling it again, from any thread, does nothing; a call made while another is in progress
    /// returns when the server has stopped. Requests whose handler is running are allowed to
    /// finish their handler call — a thread cannot be interrupted in the middle of one — so
    /// shutdown takes as long as the slowest handler then running, plus a few milliseconds; their
    /// responses are not sent. Requests still being received and idle keep-alive connections are
    /// closed at once. Must not be called from inside a handler, whose thread it would wait for.
    public func shutdown() {
        // Stopping inside the lock makes concurrent callers wait until the threads are joined.
        self.daemon.withLock { daemon in
            guard let running = daemon.take() else {
                return
            }
            // First, so that it never shuts down a socket libmicrohttpd is closing.
            self.context.watchdog?.stop()
            MHD_stop_daemon(running.pointer)
        }
    }
}

extension HTTPServer {
    /// A running libmicrohttpd daemon.
    ///
    /// `@unchecked Sendable` because the pointer is only ever passed to `MHD_stop_daemon`, once,
    /// under the server's Mutex; libmicrohttpd's threads never read this value.
    private struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    /// Configuration values converted to the types libmicrohttpd takes.
    private struct DaemonSettings {
        var threadPoolSize: UInt32
        var connectionLimit: UInt32
        var connectionTimeoutSeconds: UInt32
        var memoryLimit: Int
    }

    /// Checks the ranges libmicrohttpd cannot check itself, because its options are C integers.
    private static func validatedSettings(_ configuration: Configuration) throws -> DaemonSettings {
        func invalid(_ message: String) -> HTTPServerError {
            HTTPServerError(code: .invalidConfiguration, message: message)
        }
        guard (0...65535).contains(configuration.port) else {
            throw invalid("port \(configuration.port) is not between 0 and 65535")
        }
        guard (1...4096).contains(configuration.threadCount) else {
            throw invalid("threadCount \(configuration.threadCount) is not between 1 and 4096")
        }
        guard (1...Int(UInt32.max)).contains(configuration.maximumConnections) else {
            throw invalid("maximumConnections \(configuration.maximumConnections) is not positive")
        }
        guard configuration.maximumHeaderBytes > 0 else {
            throw invalid("maximumHeaderBytes \(configuration.maximumHeaderBytes) is not positive")
        }
        guard configuration.maximumBodyBytes >= 0 else {
            throw invalid("maximumBodyBytes \(configuration.maximumBodyBytes) is negative")
        }
        guard configuration.maximumTargetBytes > 0 else {
            throw invalid("maximumTargetBytes \(configuration.maximumTargetBytes) is not positive")
        }
        guard configuration.maximumRequestsInFlight > 0 else {
            throw invalid("maximumRequestsInFlight \(configuration.maximumRequestsInFlight) is not positive")
        }
        guard configuration.requestReceiveTimeout >= .zero else {
            throw invalid("requestReceiveTimeout \(configuration.requestReceiveTimeout) is negative")
        }
        guard configuration.connectionTimeout >= .zero else {
            throw invalid("connectionTimeout \(configuration.connectionTimeout) is negative")
        }
        let (seconds, attoseconds) = configuration.connectionTimeout.components
        let wholeSeconds = seconds + (attoseconds > 0 ? 1 : 0)
        return DaemonSettings(
            threadPoolSize: UInt32(configuration.threadCount),
            connectionLimit: UInt32(configuration.maximumConnections),
            connectionTimeoutSeconds: UInt32(clamping: wholeSeconds),
            memoryLimit: configuration.maximumHeaderBytes)
    }

    /// Turns an IPv4 literal or a host name into a socket address.
    ///
    /// libmicrohttpd binds only the one address it is given, so a name must be resolved here;
    /// the first IPv4 address wins (`localhost` gives 127.0.0.1).
    private static func resolveIPv4Address(host: String, port: Int) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        if inet_pton(AF_INET, host, &address.sin_addr) == 1 {
            return address
        }
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &results)
        defer { freeaddrinfo(results) }
        guard status == 0, let first = results, let resolved = first.pointee.ai_addr,
            first.pointee.ai_family == AF_INET
        else {
            let reason = status != 0 ? String(cString: gai_strerror(status)) : "no IPv4 address"
            throw HTTPServerError(
                code: .addressResolutionFailed,
                message: "cannot listen on \"\(host)\": \(reason) (the server listens on IPv4 only)")
        }
        resolved.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { resolvedIPv4 in
            address.sin_addr = resolvedIPv4.pointee.sin_addr
        }
        return address
    }

    /// An IPv4 address as `a.b.c.d`.
    private static func dottedForm(of address: in_addr) -> String {
        let octets = withUnsafeBytes(of: address.s_addr) { Array($0) }
        return octets.map(String.init).joined(separator: ".")
    }

    /// Explains why `MHD_start_daemon` returned NULL, using errno and libmicrohttpd's messages.
    private static func startError(errorNumber: Int32, endpoint: String, messages: [String]) -> HTTPServerError {
        let bindErrors: Set<Int32> = [EADDRINUSE, EADDRNOTAVAIL, EACCES]
        let code: HTTPServerError.Code = bindErrors.contains(errorNumber) ? .bindFailed : .startFailed
        var message = "cannot listen on \(endpoint)"
        if errorNumber != 0 {
            message += ": \(String(cString: strerror(errorNumber)))"
        }
        if !messages.isEmpty {
            message += " (libmicrohttpd: \(messages.joined(separator: "; ")))"
        }
        return HTTPServerError(code: code, message: message)
    }
}
