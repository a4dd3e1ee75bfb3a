//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import Glibc
import StorageCore
import Testing

/// The limits that keep one misbehaving or greedy client from taking the server down: request
/// target length, requests in flight, connections, slow clients, and bodies refused without a
/// reset.
@Suite("HTTPServer limits", .timeLimit(.minutes(1)))
struct HTTPServerLimitsTests {
    /// A quiet two-thread configuration with every answer the server gives by itself marked.
    static func configuration() -> HTTPServer.Configuration {
        var configuration = HTTPServerTests.configuration()
        configuration.maximumBodyBytes = 1024
        configuration.oversizedBodyResponse = { _ in HTTPServerResponse(status: 413, text: "too big") }
        configuration.targetTooLongResponse = { _ in HTTPServerResponse(status: 414, text: "too long") }
        configuration.serverBusyResponse = { _ in HTTPServerResponse(status: 503, text: "busy") }
        return configuration
    }

    // MARK: Request target

    @Test("a target over the limit is 414 without reaching the handler; the connection stays usable")
    func refusesLongTarget() throws {
        let handled = RequestRecorder()
        var configuration = Self.configuration()
        configuration.maximumTargetBytes = 100
        let server = try HTTPServer(
            configuration: configuration, handler: HTTPServerTests.echoHandler(recorder: handled))
        defer { HTTPServerTests.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        try connection.sendRequest("GET", "/" + String(repeating: "a", count: 100))
        let refused = try connection.readResponse()
        #expect(refused.status == 414)
        #expect(refused.text == "too long")
        try connection.sendRequest("GET", "/" + String(repeating: "a", count: 99))
        #expect(try connection.readResponse().status == 200)
        #expect(handled.all.map(\.target.utf8.count) == [100])
    }

    // MARK: Refused bodies are read before the answer

    @Test("a client sending an oversized body at once, without Expect, finishes sending and reads the 413")
    func drainsDeclaredBodyBeforeAnswering() throws {
        let handled = RequestRecorder()
        var configuration = Self.configuration()
        configuration.maximumBodyBytes = 4 * 1024 * 1024
        let server = try HTTPServer(
            configuration: configuration, handler: HTTPServerTests.echoHandler(recorder: handled))
        defer { HTTPServerTests.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        // 8 MiB against a 4 MiB limit: more than the loopback socket buffers hold, so a server
        // that closed without reading would reset this send or the read after it.
        let body = [UInt8](repeating: 9, count: 8 * 1024 * 1024)
        try connection.send(
            Array("PUT /big HTTP/1.1\r\nHost: test\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        let response = try connection.readResponse()

        #expect(response.status == 413)
        #expect(response.text == "too big")
        #expect(try connection.serverClosesConnection())
        #expect(handled.all.isEmpty)
    }

    // MARK: Requests in flight

    /// Opens a connection holding a request in flight: head sent, body still owed.
    static func holdRequestInFlight(port: Int, path: String = "/slow") throws -> RawHTTPConnection {
        let connection = try RawHTTPConnection(port: port)
        try connection.send("PUT \(path) HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\n12345")
        return connection
    }

    /// Waits, without timing anything, until the server has admitted `count` requests.
    static func waitUntil(_ condition: @autoclosure () -> Bool) async throws {
        for _ in 0..<500 where !condition() {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test("beyond maximumRequestsInFlight requests are answered busy at once, and served again afterwards")
    func refusesRequestsBeyondCapacity() async throws {
        var configuration = Self.configuration()
        configuration.maximumRequestsInFlight = 2
        let server = try HTTPServer(configuration: configuration, handler: HTTPServerTests.echoHandler())
        defer { HTTPServerTests.expectCleanShutdown(server) }

        let held = try (0..<2).map { _ in try Self.holdRequestInFlight(port: server.port) }
        try await Self.waitUntil(server.requestsInFlight == 2)
        #expect(server.requestsInFlight == 2)

        let refused = try RawHTTPConnection(port: server.port)
        try refused.sendRequest("GET", "/refused")
        let busy = try refused.readResponse()
        #expect(busy.status == 503)
        #expect(busy.text == "busy")
        // A bodyless request keeps its connection: the client may retry on it.
        try refused.sendRequest("PUT", "/refused-with-body", body: Array("payload".utf8))
        #expect(try refused.readResponse().status == 503)
        #expect(server.requestsRefusedAsBusy == 2)

        for connection in held {
            try connection.send("67890")
            let response = try connection.readResponse()
            #expect(response.status == 200)
            #expect(response.text == "1234567890")
        }
        try await Self.waitUntil(server.requestsInFlight == 0)
        let after = try RawHTTPConnection(port: server.port)
        try after.sendRequest("GET", "/after")
        #expect(try after.readResponse().status == 200)
    }

    // MARK: Connections

    @Test("a connection over maximumConnections waits in the kernel's backlog until a place frees up")
    func holdsConnectionsOverTheLimit() async throws {
        var configuration = Self.configuration()
        configuration.threadCount = 1  // libmicrohttpd divides the limit among threads
        configuration.maximumConnections = 2
        let server = try HTTPServer(configuration: configuration, handler: HTTPServerTests.echoHandler())
        defer { HTTPServerTests.expectCleanShutdown(server) }

        var first: RawHTTPConnection? = try RawHTTPConnection(port: server.port)
        let second = try RawHTTPConnection(port: server.port)
        for connection in [first, second].compactMap({ $0 }) {
            try connection.sendRequest("GET", "/kept")
            #expect(try connection.readResponse().status == 200)
        }
        // The kernel completes the handshake, but libmicrohttpd does not take the connection.
        let third = try RawHTTPConnection(port: server.port)
        try third.sendRequest("GET", "/waiting")
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.openConnections == 2)
        #expect(server.connectionsAccepted == 2)

        first = nil  // closes it
        #expect(first == nil)
        #expect(try third.readResponse().status == 200)
        #expect(server.connectionsAccepted == 3)
        try second.sendRequest("GET", "/still-served")
        #expect(try second.readResponse().status == 200)
    }

    // MARK: Slow clients

    /// Sends `bytes` one at a time, `pause` apart, until they run out or the server hangs up.
    ///
    /// - Returns: Whether the server hung up before everything was sent.
    static func trickle(_ bytes: [UInt8], on connection: RawHTTPConnection, pause: Duration) async -> Bool {
        for byte in bytes {
            do {
                try connection.send([byte])
            } catch {
                return true
            }
            try? await Task.sleep(for: pause)
        }
        return false
    }

    @Test(
        "a client trickling its request, each byte within the idle timeout, is cut off at the receive deadline",
        arguments: ["head", "body"])
    func cutsOffTricklingClients(part: String) async throws {
        let handled = RequestRecorder()
        var configuration = Self.configuration()
        configuration.connectionTimeout = .seconds(30)
        configuration.requestReceiveTimeout = .seconds(1)
        let server = try HTTPServer(
            configuration: configuration, handler: HTTPServerTests.echoHandler(recorder: handled))
        defer { HTTPServerTests.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port, timeout: .seconds(20))
        let trickled: [UInt8]
        if part == "head" {
            try connection.send("GET /slow HTTP/1.1\r\n")
            trickled = Array(("X-Slow: " + String(repeating: "s", count: 200) + "\r\n\r\n").utf8)
        } else {
            try connection.send("PUT /slow HTTP/1.1\r\nHost: test\r\nContent-Length: 200\r\n\r\n")
            trickled = [UInt8](repeating: 7, count: 200)
        }
        // 200 bytes 50 ms apart take 10 s, far past the 1 s deadline and never 30 s silent.
        let hungUp = await Self.trickle(trickled, on: connection, pause: .milliseconds(50))
        let closed = try hungUp || connection.serverClosesConnection()
        #expect(closed)
        #expect(server.connectionsCutOff == 1)
        #expect(handled.all.isEmpty)

        let next = try RawHTTPConnection(port: server.port)
        try next.sendRequest("GET", "/after")
        #expect(try next.readResponse().status == 200)
    }

    @Test("a prompt client on a kept-alive connection is never cut off by the receive deadline")
    func keepsPromptClients() async throws {
        var configuration = Self.configuration()
        configuration.requestReceiveTimeout = .seconds(2)
        let server = try HTTPServer(configuration: configuration, handler: HTTPServerTests.echoHandler())
        defer { HTTPServerTests.expectCleanShutdown(server) }

        let connection = try RawHTTPConnection(port: server.port)
        // Twelve requests 250 ms apart: each arrives well within its 2 s deadline, though the
        // connection lives for 3 s.
        for index in 0..<12 {
            try connection.sendRequest("PUT", "/prompt/\(index)", body: Array("\(index)".utf8))
            #expect(try connection.readResponse().text == "\(index)")
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(server.connectionsCutOff == 0)
        #expect(server.connectionsAccepted == 1)
    }
}
