//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// Turns a ``StorageRequest`` into a dated, identified, authorized HTTP request, sends it, and
/// turns a refusal into a ``StorageCore/StorageError``: the part every storage client shares.
///
/// Each request gets, in this order:
/// - `Content-Type` when the operation gives one, and `Content-Length` (always set explicitly,
///   `0` for an empty body, except on `GET` and `HEAD` without a body);
/// - `x-ms-version`, then the service's default headers (an operation may override each);
/// - the operation's own headers;
/// - a fresh `x-ms-client-request-id` (a lowercase UUID) and `x-ms-date` (RFC 1123, now);
/// - the credential: a shared key signs the exact method, headers and encoded path sent; a
///   SAS is appended to the query; an anonymous account adds nothing.
///
/// The pipeline retries only what cannot apply twice (see ``StorageRetryPolicy``): any request
/// refused with 503 `ServerBusy` or never sent, and reads on 500 or a lost answer. A write that
/// got a 500 or no answer is surfaced, because only the caller knows how to find out whether it
/// was applied (the lock layer re-reads its row, using
/// ``TransportError/Code/mayHaveReachedServer`` for exchanges that got no answer). The last
/// ``TransportError`` or `CancellationError` from the transport passes through unchanged.
struct StoragePipeline: Sendable {
    /// The account whose credential authorizes requests.
    let account: StorageAccount
    /// The service, which decides how a shared key signs.
    let service: StorageService
    /// The service's root, or why the account has none usable.
    let endpoint: Result<ServiceEndpoint, StorageConfigurationError>
    /// The value of `x-ms-version`.
    let version: String
    /// Headers every request of this service carries unless the operation sets its own.
    let defaultHeaders: HTTPHeaders
    /// What sends the requests.
    let transport: any HTTPTransport
    /// Which failures are retried, and how long to wait between attempts.
    var retryPolicy = StorageRetryPolicy.standard

    /// Creates a pipeline for one service of an account.
    ///
    /// An account without an endpoint for `service` is accepted here and every request then
    /// fails with ``StorageCore/StorageConfigurationError``, so clients can have non-throwing
    /// initializers.
    init(
        account: StorageAccount, service: StorageService, version: String, defaultHeaders: HTTPHeaders,
        transport: any HTTPTransport
    ) {
        self.account = account
        self.service = service
        self.version = version
        self.defaultHeaders = defaultHeaders
        self.transport = transport
        if let url = account.endpoint(for: service) {
            if let endpoint = ServiceEndpoint(url) {
                self.endpoint = .success(endpoint)
            } else {
                self.endpoint = .failure(
                    StorageConfigurationError(
                        code: .invalidEndpoint,
                        message: "The account's \(service.rawValue) endpoint is not an absolute http or https URL."))
            }
        } else {
            self.endpoint = .failure(
                StorageConfigurationError(
                    code: .missingSetting,
                    message: "The account '\(account.name)' has no \(service.rawValue) endpoint; give "
                        + "'\(service.rawValue.capitalized)Endpoint' or 'EndpointSuffix' in the connection string."))
        }
    }

    /// The service endpoint.
    ///
    /// - Throws: ``StorageCore/StorageConfigurationError`` when the account has none usable.
    func serviceEndpoint() throws(StorageConfigurationError) -> ServiceEndpoint {
        try self.endpoint.get()
    }

    /// Sends `request`, again after failures ``StorageRetryPolicy`` deems safe, and returns a 2xx
    /// response.
    ///
    /// - Parameter now: The time written to `x-ms-date` of the first attempt; retries are dated
    ///   when they are sent.
    /// - Throws: ``StorageCore/StorageError`` for any other status, decoded from the response;
    ///   ``TransportError`` or `CancellationError` from the transport, unchanged;
    ///   ``StorageCore/StorageConfigurationError`` when the account has no endpoint.
    func send(_ request: StorageRequest, now: Date = Date()) async throws -> HTTPClientResponse {
        var isFirstAttempt = true
        let response = try await self.retryPolicy.execute(method: request.method) {
            let prepared = try self.prepare(request, now: isFirstAttempt ? now : Date())
            isFirstAttempt = false
            return try await self.transport.execute(prepared)
        }
        guard (200..<300).contains(response.status) else {
            throw StorageError(status: response.status, headers: response.headers, body: response.body)
        }
        return response
    }

    /// The HTTP request that ``send(_:)`` sends for `request`.
    ///
    /// - Parameters:
    ///   - now: The time written to `x-ms-date`.
    ///   - clientRequestID: The `x-ms-client-request-id`.
    func prepare(
        _ request: StorageRequest, now: Date = Date(), clientRequestID: String = RandomIdentifier.uuidString()
    ) throws(StorageConfigurationError) -> HTTPClientRequest {
        let endpoint = try self.endpoint.get()
        var headers = HTTPHeaders()
        if let contentType = request.headers["Content-Type"] {
            headers.add(name: "Content-Type", value: contentType)
        }
        if !request.body.isEmpty || (request.method != "GET" && request.method != "HEAD") {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        headers.add(name: "x-ms-version", value: self.version)
        for field in self.defaultHeaders where !request.headers.contains(field.name) {
            headers.add(name: field.name, value: field.value)
        }
        for field in request.headers where field.name.lowercased() != "content-type" {
            headers.add(name: field.name, value: field.value)
        }
        headers.replaceOrAdd(name: "x-ms-client-request-id", value: clientRequestID)
        headers.replaceOrAdd(name: "x-ms-date", value: HTTPDate.string(from: now))

        let encodedPath = endpoint.encodedPath(request.path)
        var encodedQuery = request.query.encodedQuery
        switch self.account.credential {
        case .sharedKey(let key):
            let target = encodedQuery.isEmpty ? encodedPath : encodedPath + "?" + encodedQuery
            // Signed from the very text that is sent; the fallback only guards an impossibility,
            // since the query was just encoded by the same rules that decode it.
            let signable =
                (try? SignableRequest(method: request.method, target: target, headers: headers))
                ?? SignableRequest(
                    method: request.method, encodedPath: encodedPath, query: request.query, headers: headers)
            let authorization = SharedKeySigner(service: self.service).authorization(
                for: signable, accountName: self.account.name, key: key)
            headers.add(name: "Authorization", value: authorization.headerValue)
        case .sharedAccessSignature(let signature):
            let token = signature.hasPrefix("?") ? String(signature.dropFirst()) : signature
            if !token.isEmpty {
                encodedQuery = encodedQuery.isEmpty ? token : encodedQuery + "&" + token
            }
        case .anonymous:
            break
        }
        return HTTPClientRequest(
            method: request.method, url: endpoint.url(path: request.path, encodedQuery: encodedQuery),
            headers: headers, body: request.body)
    }
}

extension HTTPClientResponse {
    /// The response's `Date` header: the service's clock when it answered, to the second.
    var serverDate: Date? {
        self.headers["Date"].flatMap(HTTPDate.date(from:))
    }

    /// The response's `x-ms-request-id`, for error reports.
    var requestID: String? {
        self.headers["x-ms-request-id"]
    }
}
