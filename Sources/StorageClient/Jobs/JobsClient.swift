//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// A client of a pip-services Jobs service, or of the emulator's Jobs port, which speaks the
/// same commandable-HTTP dialect.
///
/// ```swift
/// let jobs = JobsClient()   // http://127.0.0.1:10003
/// _ = try await jobs.addUniqueJob(NewJob(type: "AnalysisOfNewFiles", refId: "2024-06-01"))
/// if let job = try await jobs.startJob(type: "AnalysisOfNewFiles", timeout: .seconds(60)) {
///     try await analyse(job)
///     _ = try await jobs.completeJob(id: job.id, lockToken: job.lockToken)
/// }
/// ```
///
/// Every command is `POST <base>/v1/jobs/<command>?correlation_id=…` with a JSON object of
/// named arguments; a result comes back as JSON with status 200, no result (nothing claimable,
/// no such job) as `204 No Content`. Commands carry the configuration's ``JobsCredential``:
/// by default signed with the emulator's development account.
///
/// **Errors.** A refusal by the service throws ``StorageCore/JobsError`` decoded from its error
/// JSON (a stale lock token is a conflict). A failure to get any answer throws the transport's
/// ``TransportError`` unchanged: check ``TransportError/Code/mayHaveReachedServer`` before
/// assuming a write did not happen.
///
/// **Retries.** Only what cannot apply twice is sent again, with ``StorageRetryPolicy/standard``'s
/// backoff: any command refused with 503 or never sent, and the read-only `get_…` commands on
/// 500 or a lost answer. A write that got a 500 or no answer is surfaced — in particular a
/// claim (`start_job…`) whose answer was lost leaves the job locked by a claim nobody holds
/// until its timeout passes; it is then claimable again, so the work is delayed, never lost.
///
/// The client holds no mutable state and is safe to share between tasks.
public final class JobsClient: Sendable {
    /// Where commands go and how long each may take.
    public let configuration: Configuration
    /// What sends requests.
    let transport: any HTTPTransport

    /// Creates a client; nothing is sent until a command is called.
    ///
    /// - Parameters:
    ///   - configuration: The base URL and the timeout.
    ///   - transport: What sends requests; ``CurlTransport/shared`` unless a test or a wrapper
    ///     gives another.
    public init(configuration: Configuration = Configuration(), transport: any HTTPTransport = CurlTransport.shared) {
        self.configuration = configuration
        self.transport = transport
    }

    /// Sends one command and returns its result, or `nil` for `204 No Content`.
    ///
    /// - Throws: ``StorageCore/JobsError`` when the service refuses the command or answers with
    ///   something that is not JSON; ``TransportError`` when no answer arrived.
    func call(_ command: String, correlationId: String?, arguments: [JSONMember]) async throws -> JSONValue? {
        var base = self.configuration.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var query = ""
        if let correlationId {
            query = "correlation_id=\(PercentEncoding.encode(correlationId))"
        }
        // The signature covers the whole path sent, so a base URL's own path (a proxy's
        // prefix) is part of what is signed.
        let basePath = URLComponents(string: base)?.percentEncodedPath ?? ""
        let response = try await self.execute(readOnly: command.hasPrefix("get_")) {
            HTTPClientRequest(
                method: "POST", url: base + Self.target(command: command, query: query),
                headers: self.headers(target: basePath + Self.target(command: command, query: query), now: Date()),
                body: JSONWriter.bytes(.object(arguments)), timeout: self.configuration.timeout)
        }
        if response.status == 204 { return nil }
        let document = response.body.isEmpty ? nil : try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            throw JobsError(json: document ?? .object([]), status: response.status)
        }
        guard let document else {
            throw JobsError(
                type: "InvalidResponseException", category: "Internal", code: "INVALID_RESPONSE",
                status: response.status, message: "\(command) answered \(response.status) without a JSON body",
                correlationId: correlationId)
        }
        return document
    }

    /// The request target of `command`: the path, and the query when there is one.
    private static func target(command: String, query: String) -> String {
        query.isEmpty ? "/v1/jobs/\(command)" : "/v1/jobs/\(command)?\(query)"
    }

    /// The headers of one attempt at `target` (path and query as sent), with the credential's
    /// `Authorization` dated `now`.
    private func headers(target: String, now: Date) -> HTTPHeaders {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json"]
        switch self.configuration.credential {
        case .sharedKey(let accountName, let key):
            headers.add(name: "x-ms-date", value: HTTPDate.string(from: now))
            // The target was built from an encoded query, so it always parses; the fallback
            // only guards that impossibility.
            let signable =
                (try? SignableRequest(method: "POST", target: target, headers: headers))
                ?? SignableRequest(method: "POST", encodedPath: target, query: QueryParameters(), headers: headers)
            let authorization = SharedKeySigner(service: .table).authorization(
                for: signable, accountName: accountName, key: key)
            headers.add(name: "Authorization", value: authorization.headerValue)
        case .bearerToken(let token):
            headers.add(name: "Authorization", value: "Bearer \(token)")
        case .none:
            break
        }
        return headers
    }

    /// Sends the request `makeRequest` builds, again (freshly dated) while ``StorageRetryPolicy``
    /// deems it safe; returns the last answer.
    private func execute(
        readOnly: Bool, _ makeRequest: () -> HTTPClientRequest
    ) async throws -> HTTPClientResponse {
        // A read-only command is as safe to repeat as a GET; every command is a POST.
        try await StorageRetryPolicy.standard.execute(method: readOnly ? "GET" : "POST") {
            try await self.transport.execute(makeRequest())
        }
    }
}
