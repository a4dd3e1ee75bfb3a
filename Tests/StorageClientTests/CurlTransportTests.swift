//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// Each test starts its own in-process libmicrohttpd server on port 0 and its own transport.
@Suite("libcurl transport against the in-process server")
struct CurlTransportTests {
    @Test("sends exactly the given method, headers and body, and reads the response")
    func roundTrip() async throws {
        let server = try HTTPServer { request in
            var headers: HTTPHeaders = ["X-Echo-Method": request.method, "X-Echo-Target": request.target]
            headers.add(
                name: "X-Echo-Header-Names",
                value: request.headers.map { $0.name.lowercased() }.sorted().joined(separator: ","))
            return HTTPServerResponse(status: 201, headers: headers, body: request.body)
        }
        let transport = CurlTransport()
        let response = try await transport.execute(
            HTTPClientRequest(
                method: "MERGE", url: "\(server.baseURL)/devstoreaccount1/t(PartitionKey='a%20b',RowKey='c')?x=%2B",
                headers: ["If-Match": "*", "x-ms-version": "2019-02-02"], body: Array("{}".utf8)))
        #expect(response.status == 201)
        #expect(response.body == Array("{}".utf8))
        #expect(response.headers["x-echo-method"] == "MERGE")
        #expect(response.headers["X-Echo-Target"] == "/devstoreaccount1/t(PartitionKey='a%20b',RowKey='c')?x=%2B")
        // Nothing of curl's own that a signature or content negotiation could trip over.
        #expect(response.headers["X-Echo-Header-Names"] == "content-length,host,if-match,user-agent,x-ms-version")
    }

    @Test("reuses one kept-alive connection for sequential requests")
    func reusesConnection() async throws {
        let server = try HTTPServer { _ in HTTPServerResponse(status: 204) }
        let transport = CurlTransport()
        for index in 0..<50 {
            let response = try await transport.execute(
                HTTPClientRequest(
                    method: index.isMultiple(of: 2) ? "GET" : "PUT", url: "\(server.baseURL)/item/\(index)"))
            #expect(response.status == 204)
        }
        #expect(server.connectionsAccepted == 1)
        #expect(transport.connectionsOpened == 1)
    }

    @Test("serves 32 concurrent requests from tasks, each getting its own answer")
    func concurrentRequests() async throws {
        let server = try HTTPServer { request in HTTPServerResponse(status: 200, body: Array(request.path.utf8)) }
        let transport = CurlTransport()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let response = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/n/\(index)"))
                    #expect(String(decoding: response.body, as: UTF8.self) == "/n/\(index)")
                }
            }
            try await group.waitForAll()
        }
        #expect(server.connectionsAccepted <= 32)
        // A second wave reuses the connections the first one left open.
        let before = server.connectionsAccepted
        for index in 0..<8 {
            _ = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/again/\(index)"))
        }
        #expect(server.connectionsAccepted == before)
    }

    @Test("carries 4 MiB request and response bodies intact")
    func largeBodies() async throws {
        let server = try HTTPServer { request in
            HTTPServerResponse(status: 200, body: request.body.reversed())
        }
        let transport = CurlTransport()
        let body = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let response = try await transport.execute(
            HTTPClientRequest(method: "PUT", url: "\(server.baseURL)/big", body: body))
        #expect(response.status == 200)
        #expect(response.body.count == body.count)
        #expect(response.body == body.reversed())
    }

    @Test("fires the client's timeout when the server never answers")
    func timeoutFires() async throws {
        let gate = Gate()
        let server = try HTTPServer { _ in
            gate.waitUntilOpen()
            return HTTPServerResponse(status: 200)
        }
        defer { gate.open() }
        let transport = CurlTransport()
        let started = ContinuousClock.now
        do {
            _ = try await transport.execute(
                HTTPClientRequest(url: "\(server.baseURL)/slow", timeout: .milliseconds(300)))
            Issue.record("the request should have timed out")
        } catch let error as TransportError {
            #expect(error.code == .timedOut)
            #expect(error.code.mayHaveReachedServer)
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("abandons an in-flight request at once when its task is cancelled")
    func cancellation() async throws {
        let gate = Gate()
        let arrived = Gate()
        let server = try HTTPServer { _ in
            arrived.open()
            gate.waitUntilOpen()
            return HTTPServerResponse(status: 200)
        }
        defer { gate.open() }
        let transport = CurlTransport()
        let task = Task {
            try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/held", timeout: .seconds(60)))
        }
        await arrived.waitUntilOpenAsync()
        let started = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - started < .seconds(5))
        // The transport is still usable afterwards.
        gate.open()
        let response = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/after"))
        #expect(response.status == 200)
    }

    @Test("receives the server's 413 for a body over its limit")
    func oversizedBody() async throws {
        var configuration = HTTPServer.Configuration()
        configuration.maximumBodyBytes = 64 * 1024
        let server = try HTTPServer(configuration: configuration) { _ in HTTPServerResponse(status: 200) }
        let transport = CurlTransport()
        let response = try await transport.execute(
            HTTPClientRequest(
                method: "PUT", url: "\(server.baseURL)/too-big", body: Array(repeating: 1, count: 64 * 1024 + 1)))
        #expect(response.status == 413)
        let small = try await transport.execute(
            HTTPClientRequest(method: "PUT", url: "\(server.baseURL)/fits", body: Array(repeating: 1, count: 1024)))
        #expect(small.status == 200)
    }

    @Test("reports a refused connection as never having reached the server")
    func connectionRefused() async throws {
        let port: Int
        do {
            let server = try HTTPServer { _ in HTTPServerResponse(status: 200) }
            port = server.port
            server.shutdown()
        }
        let transport = CurlTransport()
        do {
            _ = try await transport.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            Issue.record("the connection should have been refused")
        } catch let error as TransportError {
            #expect(error.code == .connectFailed)
            #expect(!error.code.mayHaveReachedServer)
        }
    }

    @Test("rejects requests that cannot be sent safely, before sending anything")
    func invalidRequests() async throws {
        let transport = CurlTransport()
        let bad = [
            HTTPClientRequest(url: "ftp://127.0.0.1/"),
            HTTPClientRequest(url: "http://127.0.0.1:1/", headers: ["X-Injected": "a\r\nEvil: 1"]),
            HTTPClientRequest(method: "GET /", url: "http://127.0.0.1:1/"),
            HTTPClientRequest(url: "http://127.0.0.1:1/", headers: ["Bad Name": "x"]),
        ]
        for request in bad {
            await #expect(throws: TransportError.self) { try await transport.execute(request) }
        }
    }

    @Test("names an unusable URL in its error without the query, where a SAS signature would be")
    func invalidURLKeepsSignatureOut() async throws {
        let transport = CurlTransport()
        do {
            _ = try await transport.execute(HTTPClientRequest(url: "127.0.0.1:10002/acct/t?sv=2019-02-02&sig=SECRET"))
            Issue.record("a URL without a scheme should be refused")
        } catch let error as TransportError {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("127.0.0.1:10002/acct/t"))
            #expect(!error.message.contains("SECRET"))
        }
    }

    @Test("refuses a response larger than its limit instead of buffering it")
    func responseLimit() async throws {
        let server = try HTTPServer { _ in
            HTTPServerResponse(status: 200, body: Array(repeating: 0, count: 1024 * 1024))
        }
        var configuration = CurlTransport.Configuration()
        configuration.maximumResponseBytes = 1000
        let transport = CurlTransport(configuration: configuration)
        do {
            _ = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/huge"))
            Issue.record("the response should have been refused")
        } catch let error as TransportError {
            #expect(error.code == .responseTooLarge)
        }
    }

    @Test("fails requests after shutdown")
    func shutdown() async throws {
        let server = try HTTPServer { _ in HTTPServerResponse(status: 200) }
        let transport = CurlTransport()
        _ = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/"))
        transport.shutdown()
        transport.shutdown()
        do {
            _ = try await transport.execute(HTTPClientRequest(url: "\(server.baseURL)/"))
            Issue.record("the request should have failed")
        } catch let error as TransportError {
            #expect(error.code == .shutDown)
        }
    }
}

extension HTTPServer {
    fileprivate var baseURL: String { "http://\(self.host):\(self.port)" }
}

/// A one-way gate: closed until opened, then open for good. Blocking waits are for server
/// handlers, which run on libmicrohttpd's threads; the async wait is for tests.
private final class Gate: Sendable {
    private let isOpen = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    func open() {
        let wasOpen = self.isOpen.withLock { isOpen in
            defer { isOpen = true }
            return isOpen
        }
        // One signal starts a chain: each woken waiter passes it on to the next.
        if !wasOpen {
            self.semaphore.signal()
        }
    }

    func waitUntilOpen() {
        guard !self.isOpen.withLock({ $0 }) else { return }
        self.semaphore.wait()
        self.semaphore.signal()
    }

    func waitUntilOpenAsync() async {
        while !self.isOpen.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
