//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Emulator
import Foundation
import Glibc
import StorageCore
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Remembers every request a handler receives, so tests can inspect what the server delivered.
final class RequestRecorder: Sendable {
    private let requests = Mutex<[HTTPServerRequest]>([])

    /// Stores a request.
    func record(_ request: HTTPServerRequest) {
        self.requests.withLock { $0.append(request) }
    }

    /// Every request so far, in arrival order.
    var all: [HTTPServerRequest] {
        self.requests.withLock { $0 }
    }
}

@Suite("HTTPServer on libmicrohttpd", .timeLimit(.minutes(1)))
struct HTTPServerTests {
    // MARK: Fixtures

    /// A configuration for tests: two threads, and silence for the errors tests provoke.
    static func configuration() -> HTTPServer.Configuration {
        var configuration = HTTPServer.Configuration()
        configuration.threadCount = 2
        configuration.errorLog = { _ in }
        return configuration
    }

    /// A handler that records the request and answers with its body and a few of its details.
    static func echoHandler(
        recorder: RequestRecorder = RequestRecorder()
    ) -> @Sendable (HTTPServerRequest) -> HTTPServerResponse {
        { request in
            recorder.record(request)
            return HTTPServerResponse(
                status: 200,
                headers: ["X-Method": request.method, "X-Target": request.target],
                body: request.body)
        }
    }

    /// Stops the server and checks that nothing was left behind.
    static func expectCleanShutdown(_ server: HTTPServer, sourceLocation: SourceLocation = #_sourceLocation) {
        server.shutdown()
        #expect(server.openConnections == 0, sourceLocation: sourceLocation)
        #expect(server.liveRequestStates == 0, "per-request state leaked", sourceLocation: sourceLocation)
    }

    /// A body whose bytes depend on their position, so that reordering or truncation shows.
    static func patternedBody(count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
    }

    /// A 4 MiB patterned body, made once because building it takes half a second in debug builds.
    static let largeBody = patternedBody(count: 4 * 1024 * 1024)

    // MARK: Requests reach the handler unchanged

    @Test("echoes method, target, headers and body")
    func echoesRequest() throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler(recorder: recorder))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest(
            "POST", "/queue/messages?visibilitytimeout=5",
            headers: [("X-Repeat", "one"), ("x-repeat", "two"), ("Content-Type", "application/xml")],
            body: Array("<hello/>".utf8))
        let response = try connection.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "<hello/>")
        #expect(response.headers["X-Method"] == "POST")
        #expect(response.headers["X-Target"] == "/queue/messages?visibilitytimeout=5")
        let request = try #require(recorder.all.first)
        #expect(request.method == "POST")
        #expect(request.target == "/queue/messages?visibilitytimeout=5")
        #expect(request.path == "/queue/messages")
        #expect(request.query == "visibilitytimeout=5")
        #expect(request.headers.map(\.name) == ["Host", "X-Repeat", "x-repeat", "Content-Type", "Content-Length"])
        #expect(request.headers.values(for: "X-REPEAT") == ["one", "two"])
        #expect(request.headers["content-length"] == "8")
        #expect(request.body == Array("<hello/>".utf8))
        #expect(request.remoteAddress?.hasPrefix("127.0.0.1:") == true)
    }

    @Test(
        "keeps the request target exactly as sent",
        arguments: [
            ("/a%2Fb%27c?x=%20y", "/a%2Fb%27c", "x=%20y"),
            (
                "/devstoreaccount1/Tables('a%27b')?$filter=PartitionKey%20eq%20'p'",
                "/devstoreaccount1/Tables('a%27b')",
                "$filter=PartitionKey%20eq%20'p'"
            ),
            ("/%E2%9C%93/blob%3Fname+plus?a=%2B&b=c%26d&a=2", "/%E2%9C%93/blob%3Fname+plus", "a=%2B&b=c%26d&a=2"),
            ("/bare?", "/bare", ""),
            ("/no-query", "/no-query", nil),
        ] as [(String, String, String?)])
    func preservesRawTarget(target: String, path: String, query: String?) throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler(recorder: recorder))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("GET", target)
        let response = try connection.readResponse()

        #expect(response.status == 200)
        let request = try #require(recorder.all.first)
        #expect(request.target == target)
        #expect(request.path == path)
        #expect(request.query == query)
    }

    @Test("assembles a chunked request body")
    func assemblesChunkedBody() throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler(recorder: recorder))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.send(
            "PUT /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n1;extension=1\r\n,\r\n6\r\n world\r\n0\r\n\r\n")
        let response = try connection.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "hello, world")
        #expect(recorder.all.first?.body == Array("hello, world".utf8))
    }

    @Test("waits for the body when the client expects 100 Continue")
    func answersExpectContinue() throws {
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("PUT /x HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        let interim = try connection.readResponse(skippingInterim: false)
        #expect(interim.status == 100)
        try connection.send("hello")
        let response = try connection.readResponse()

        #expect(response.status == 200)
        #expect(response.text == "hello")
    }

    // MARK: Connections

    @Test("serves several requests, pipelined ones included, on one kept-alive connection")
    func keepsConnectionAlive() throws {
        let server = try HTTPServer(configuration: Self.configuration()) { request in
            HTTPServerResponse(status: 200, text: "answer to \(request.target)")
        }
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        for index in 0..<3 {
            try connection.sendRequest("GET", "/item/\(index)")
            let response = try connection.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "answer to /item/\(index)")
        }
        // Two requests in one write: the second must wait in the buffer, not be lost.
        try connection.send(
            "GET /first HTTP/1.1\r\nHost: test\r\n\r\nHEAD /second HTTP/1.1\r\nHost: test\r\n\r\n")
        let first = try connection.readResponse()
        let second = try connection.readResponse(toHead: true)
        try connection.sendRequest("GET", "/third")
        let third = try connection.readResponse()

        #expect(first.text == "answer to /first")
        #expect(second.status == 200)
        #expect(second.headers["Content-Length"] == "\("answer to /second".utf8.count)")
        #expect(third.text == "answer to /third", "bytes of a HEAD body would show up here")
        #expect(server.connectionsAccepted == 1)
        #expect(server.openConnections == 1)
    }

    @Test("announces a declared Content-Length for HEAD and never sends two")
    func sendsOneContentLength() throws {
        let server = try HTTPServer(configuration: Self.configuration()) { request in
            if request.method == "HEAD" {
                return HTTPServerResponse(status: 200, headers: ["Content-Length": "12345", "ETag": "\"v1\""])
            }
            // A wrong length from the handler must not reach the wire.
            return HTTPServerResponse(status: 200, headers: ["Content-Length": "999"], body: Array("four".utf8))
        }
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("HEAD", "/blob")
        let head = try connection.readResponse(toHead: true)
        try connection.sendRequest("GET", "/blob")
        let get = try connection.readResponse()

        #expect(head.headers.values(for: "Content-Length") == ["12345"])
        #expect(head.headers["ETag"] == "\"v1\"")
        #expect(get.headers.values(for: "Content-Length") == ["4"])
        #expect(get.text == "four")
        #expect(server.connectionsAccepted == 1)
    }

    @Test("handles 32 concurrent connections")
    func handlesConcurrentRequests() throws {
        var configuration = Self.configuration()
        configuration.threadCount = 4
        let server = try HTTPServer(configuration: configuration) { request in
            usleep(5_000)  // long enough for requests to overlap
            return HTTPServerResponse(status: 200, text: request.target)
        }
        defer { Self.expectCleanShutdown(server) }

        let connections = try (0..<32).map { _ in try RawHTTPConnection(port: server.port) }
        for (index, connection) in connections.enumerated() {
            try connection.sendRequest("GET", "/item/\(index)")
        }
        for (index, connection) in connections.enumerated() {
            let response = try connection.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "/item/\(index)")
        }
        #expect(server.connectionsAccepted == 32)
    }

    @Test("closes idle connections after the connection timeout")
    func closesIdleConnections() throws {
        var configuration = Self.configuration()
        configuration.connectionTimeout = .milliseconds(400)  // rounded up to 1 s
        let server = try HTTPServer(configuration: configuration, handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port, timeout: .seconds(5))
        try connection.sendRequest("GET", "/")
        #expect(try connection.readResponse().status == 200)
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try connection.serverClosesConnection())
        let waited = clock.now - start
        #expect(waited >= .milliseconds(500))
        #expect(waited < .seconds(4))
    }

    // MARK: Large bodies

    @Test("receives a 4 MiB request body and sends a 4 MiB response body")
    func transfersLargeBodies() throws {
        let server = try HTTPServer(configuration: Self.configuration()) { request in
            if request.method == "GET" {
                return HTTPServerResponse(status: 200, body: Self.largeBody)
            }
            let intact = request.body == Self.largeBody
            return HTTPServerResponse(status: intact ? 201 : 400, text: "\(request.body.count)")
        }
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("PUT", "/big", body: Self.largeBody)
        let upload = try connection.readResponse()
        try connection.sendRequest("GET", "/big")
        let download = try connection.readResponse()

        #expect(upload.status == 201)
        #expect(upload.text == "\(Self.largeBody.count)")
        #expect(download.status == 200)
        #expect(download.headers["Content-Length"] == "\(Self.largeBody.count)")
        #expect(download.body == Self.largeBody)
        #expect(server.connectionsAccepted == 1)
    }

    /// A configuration with a 1 KiB body limit whose oversized-body answer records the request.
    static func limitedConfiguration(recorder: RequestRecorder) -> HTTPServer.Configuration {
        var configuration = Self.configuration()
        configuration.maximumBodyBytes = 1024
        configuration.oversizedBodyResponse = { request in
            recorder.record(request)
            return HTTPServerResponse(status: 413, headers: ["X-Limit": "1024"], text: "too big")
        }
        return configuration
    }

    /// How a client announces a body that is too large.
    enum LargeBodyClient: String, CaseIterable, CustomTestStringConvertible {
        /// Sends only the head, then waits.
        case headOnly
        /// Asks for `100 Continue` and waits for it.
        case expectingContinue
        /// Sends 256 KiB of the body at once without waiting.
        case sendingBodyAtOnce

        var testDescription: String { self.rawValue }
    }

    @Test(
        "answers 413 before reading a body whose Content-Length is far over the limit",
        arguments: LargeBodyClient.allCases)
    func rejectsLargeDeclaredBody(client: LargeBodyClient) throws {
        let rejected = RequestRecorder()
        let handled = RequestRecorder()
        let server = try HTTPServer(
            configuration: Self.limitedConfiguration(recorder: rejected), handler: Self.echoHandler(recorder: handled))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        // 4 MiB: more than the server reads and drops to answer a client that sends without
        // waiting, so the answer comes before the body whatever the client does.
        let head = "PUT /big?x=1 HTTP/1.1\r\nHost: test\r\nContent-Length: 4194304\r\n"
        switch client {
        case .headOnly:
            try connection.send(head + "\r\n")
        case .expectingContinue:
            try connection.send(head + "Expect: 100-continue\r\n\r\n")
        case .sendingBodyAtOnce:
            // The server closes without reading it all, so the send may fail part-way.
            try? connection.send(Array((head + "\r\n").utf8) + [UInt8](repeating: 7, count: 256 * 1024))
        }
        // No 100 Continue may come first: the client must not start sending.
        let response = try connection.readResponse(skippingInterim: false)

        #expect(response.status == 413)
        #expect(response.headers["X-Limit"] == "1024")
        #expect(response.headers["Connection"]?.lowercased() == "close")
        #expect(response.text == "too big")
        #expect(try connection.serverClosesConnection())
        let request = try #require(rejected.all.first)
        #expect(request.method == "PUT")
        #expect(request.target == "/big?x=1")
        #expect(request.headers["Content-Length"] == "4194304")
        #expect(request.body.isEmpty)
        #expect(handled.all.isEmpty)
    }

    @Test("answers 413 to a chunked body that grows over the limit")
    func rejectsLargeChunkedBody() throws {
        let rejected = RequestRecorder()
        let handled = RequestRecorder()
        let server = try HTTPServer(
            configuration: Self.limitedConfiguration(recorder: rejected), handler: Self.echoHandler(recorder: handled))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("PUT /chunks HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = "3e8\r\n" + String(repeating: "x", count: 1000) + "\r\n"
        try connection.send(chunk + chunk + chunk + "0\r\n\r\n")
        let response = try connection.readResponse()

        #expect(response.status == 413)
        #expect(response.headers["Connection"]?.lowercased() == "close")
        #expect(try connection.serverClosesConnection())
        #expect(rejected.all.first?.target == "/chunks")
        #expect(rejected.all.first?.body.isEmpty == true)
        #expect(handled.all.isEmpty)
    }

    @Test("cuts off a chunked body that keeps coming long after the limit")
    func cutsOffEndlessChunkedBody() throws {
        let server = try HTTPServer(
            configuration: Self.limitedConfiguration(recorder: RequestRecorder()), handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.send("PUT /endless HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n")
        let chunk = Array(("10000\r\n" + String(repeating: "y", count: 0x10000) + "\r\n").utf8)
        var sendFailed = false
        for _ in 0..<64 {  // 4 MiB, well past the 1 KiB limit plus the 1 MiB allowance
            do {
                try connection.send(chunk)
            } catch {
                sendFailed = true
                break
            }
        }
        // Either the send already failed or the server closes without answering.
        if !sendFailed {
            #expect(throws: (any Error).self) { try connection.readResponse() }
        }

        let next = try RawHTTPConnection(port: server.port)
        try next.sendRequest("GET", "/after")
        #expect(try next.readResponse().status == 200)
    }

    // MARK: Limits enforced by libmicrohttpd

    @Test("answers oversized headers with an error status and keeps serving")
    func rejectsOversizedHeaders() throws {
        let handled = RequestRecorder()
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler(recorder: handled))
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        let hugeHeader = "X-Huge: " + String(repeating: "a", count: 200 * 1024) + "\r\n"
        // The server may close while the header is still being sent.
        try? connection.send("GET /huge HTTP/1.1\r\nHost: test\r\n\(hugeHeader)\r\n")
        let response = try connection.readResponse()

        #expect(response.status == 431)
        #expect(handled.all.isEmpty)
        let next = try RawHTTPConnection(port: server.port)
        try next.sendRequest("GET", "/after")
        #expect(try next.readResponse().status == 200)
        #expect(handled.all.map(\.target) == ["/after"])
    }

    @Test("answers an invalid response from the handler with 500")
    func replacesInvalidResponses() throws {
        let server = try HTTPServer(configuration: Self.configuration()) { request in
            switch request.path {
            case "/injection": HTTPServerResponse(status: 200, headers: ["X-Bad": "a\r\nX-Injected: b"])
            case "/status": HTTPServerResponse(status: 42)
            default: HTTPServerResponse(status: 204, headers: ["X-Empty": "", "X-Kept": "yes"])
            }
        }
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("GET", "/injection")
        let injection = try connection.readResponse()
        try connection.sendRequest("GET", "/status")
        let status = try connection.readResponse()
        try connection.sendRequest("GET", "/empty-value")
        let emptyValue = try connection.readResponse()

        #expect(injection.status == 500)
        #expect(injection.headers["X-Injected"] == nil)
        #expect(status.status == 500)
        #expect(emptyValue.status == 204)
        #expect(emptyValue.headers["X-Kept"] == "yes")
        #expect(emptyValue.headers.contains("X-Empty") == false)
    }

    // MARK: Start and shutdown

    @Test("port 0 gives a kernel-chosen port and the resolved host")
    func reportsBoundPort() throws {
        var configuration = Self.configuration()
        configuration.host = "localhost"
        let server = try HTTPServer(configuration: configuration, handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(server) }

        #expect(server.port > 0)
        #expect(server.host == "127.0.0.1")
        #expect(server.connectionsAccepted == 0)
        #expect(RawHTTPConnection.canConnect(port: server.port))
    }

    @Test("shutdown is idempotent, safe from many threads, and closes the port")
    func shutsDownOnce() throws {
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler())
        let idle = try RawHTTPConnection(port: server.port)
        try idle.sendRequest("GET", "/")
        #expect(try idle.readResponse().status == 200)

        DispatchQueue.concurrentPerform(iterations: 4) { _ in server.shutdown() }
        server.shutdown()

        #expect(server.openConnections == 0)
        #expect(server.liveRequestStates == 0)
        #expect(try idle.serverClosesConnection())
        let refusal = try #require(throws: RawHTTPConnection.Failure.self) {
            try RawHTTPConnection(port: server.port)
        }
        #expect(refusal.errorNumber == ECONNREFUSED)
    }

    @Test("shutdown waits only for the handler already running")
    func shutdownWaitsForRunningHandler() throws {
        let handlerStarted = Atomic<Bool>(false)
        let server = try HTTPServer(configuration: Self.configuration()) { _ in
            handlerStarted.store(true, ordering: .releasing)
            usleep(700_000)
            return HTTPServerResponse(status: 200, text: "late")
        }
        let slow = try RawHTTPConnection(port: server.port)
        try slow.sendRequest("GET", "/slow")
        while !handlerStarted.load(ordering: .acquiring) {
            usleep(1_000)
        }

        let clock = ContinuousClock()
        let start = clock.now
        server.shutdown()
        let took = clock.now - start

        // It waited for the handler (700 ms from its start), but not for much more.
        #expect(took >= .milliseconds(300))
        #expect(took < .seconds(3))
        #expect(throws: RawHTTPConnection.Failure.self, "a response after shutdown") { try slow.readResponse() }
        #expect(server.openConnections == 0)
        #expect(server.liveRequestStates == 0)
        #expect(!RawHTTPConnection.canConnect(port: server.port))
    }

    @Test("binding a port that is in use throws bindFailed")
    func refusesPortInUse() throws {
        let first = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(first) }
        var configuration = Self.configuration()
        configuration.port = first.port

        let error = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration, handler: Self.echoHandler())
        }
        #expect(error.code == .bindFailed)
        #expect(error.message.contains("Address already in use"))
        #expect(error.message.contains("\(first.port)"))
    }

    @Test("rejects unresolvable hosts and out-of-range settings")
    func rejectsBadConfiguration() throws {
        var badHost = Self.configuration()
        badHost.host = "no-such-host.invalid"
        let hostError = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: badHost, handler: Self.echoHandler())
        }
        #expect(hostError.code == .addressResolutionFailed)
        #expect(hostError.message.contains("no-such-host.invalid"))

        var badPort = Self.configuration()
        badPort.port = 70_000
        #expect(throws: HTTPServerError.self) { try HTTPServer(configuration: badPort, handler: Self.echoHandler()) }

        var badThreads = Self.configuration()
        badThreads.threadCount = 0
        let threadError = try #require(throws: HTTPServerError.self) {
            try HTTPServer(configuration: badThreads, handler: Self.echoHandler())
        }
        #expect(threadError.code == .invalidConfiguration)
    }

    @Test("a single-threaded server works")
    func runsWithOneThread() throws {
        var configuration = Self.configuration()
        configuration.threadCount = 1
        let server = try HTTPServer(configuration: configuration, handler: Self.echoHandler())
        defer { Self.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("PUT", "/one", body: Array("1".utf8))
        #expect(try connection.readResponse().text == "1")
    }

    // MARK: A real client

    @Test("URLSession (libcurl) requests reuse one connection")
    func servesURLSession() async throws {
        let recorder = RequestRecorder()
        let server = try HTTPServer(configuration: Self.configuration(), handler: Self.echoHandler(recorder: recorder))
        defer { Self.expectCleanShutdown(server) }
        let sessionConfiguration = URLSessionConfiguration.ephemeral
        sessionConfiguration.urlCache = nil
        sessionConfiguration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let session = URLSession(configuration: sessionConfiguration)
        defer { session.finishTasksAndInvalidate() }

        for index in 0..<4 {
            let url = try #require(URL(string: "http://127.0.0.1:\(server.port)/item%2F\(index)?q=%20\(index)"))
            var request = URLRequest(url: url)
            request.httpMethod = "PUT"
            request.httpBody = Data(Self.patternedBody(count: 100_000 + index))
            request.setValue("\"v\(index)\"", forHTTPHeaderField: "If-Match")
            let (data, response) = try await session.data(for: request)
            let httpResponse = try #require(response as? HTTPURLResponse)
            #expect(httpResponse.statusCode == 200)
            #expect(Array(data) == Self.patternedBody(count: 100_000 + index))
        }

        #expect(recorder.all.map(\.target) == (0..<4).map { "/item%2F\($0)?q=%20\($0)" })
        #expect(recorder.all.map { $0.headers["If-Match"] } == (0..<4).map { "\"v\($0)\"" })
        #expect(server.connectionsAccepted == 1)
    }
}
