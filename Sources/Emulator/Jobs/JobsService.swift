//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The pip-services Jobs service's commandable HTTP dialect over a JobsStore.
///
/// Every command is `POST /v1/jobs/<command>` with a JSON object of named arguments; the
/// correlation id comes from the `correlation_id` query parameter or header. A result is sent
/// as JSON with 200, no result (nothing claimable, no such job) as 204 without a body, and an
/// error as a pip-services error description with its status: 400 for invalid arguments, 404
/// for an unknown command, 405 for a method other than `POST`, 409 for a stale lock token and
/// 500 when the store fails. A command must be signed with an account's shared key or carry
/// the configured bearer token (401 otherwise) unless the service allows anonymous commands;
/// `GET /health` needs neither.
///
/// `handle(_:)` blocks on SQLite and runs on libmicrohttpd's threads.
final class JobsService: Sendable {
    /// The path every command sits under.
    static let basePath = "/v1/jobs"
    /// The largest request body accepted: arguments are small, `params` included.
    static let maximumBodyBytes = 4 * 1024 * 1024

    /// Where the jobs live.
    let store: JobsStore
    /// Where failures are reported.
    private let log: EmulatorLog
    /// The accounts whose shared keys may sign commands.
    let accounts: AccountRegistry
    /// The bytes of the bearer token accepted besides a shared-key signature, if one was given.
    let bearerToken: [UInt8]?
    /// Whether commands without any credential are served, as a pip-services service serves them.
    let allowsAnonymous: Bool
    /// Checks shared-key signatures by the Table service's rules.
    let authenticator = RequestAuthenticator(service: .table)

    /// A service over `store`.
    ///
    /// - Parameters:
    ///   - accounts: The accounts whose keys may sign commands.
    ///   - bearerToken: A token accepted as `Authorization: Bearer <token>`, or `nil` for none.
    ///   - allowsAnonymous: Whether to serve commands that carry no credential at all.
    init(
        store: JobsStore, log: EmulatorLog, accounts: AccountRegistry, bearerToken: String? = nil,
        allowsAnonymous: Bool = false
    ) {
        self.store = store
        self.log = log
        self.accounts = accounts
        self.bearerToken = bearerToken.map { Array($0.utf8) }
        self.allowsAnonymous = allowsAnonymous
    }

    /// Answers one request.
    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if let health = HealthEndpoint.response(to: request) {
            return health
        }
        let query = try? QueryParameters(encodedQuery: request.query)
        let correlationId = query?["correlation_id"] ?? request.headers["correlation_id"]
        do throws(JobsError) {
            try self.authenticate(request)
            let command = try Self.command(for: request)
            let arguments = try Self.arguments(from: request.body)
            guard let result = try self.run(command, arguments) else {
                return HTTPServerResponse(status: 204)
            }
            return Self.jsonResponse(status: 200, result)
        } catch {
            var error = error
            error.correlationId = correlationId
            if error.status >= 500 {
                self.log.log(.error, "jobs \(request.path): \(error)")
            }
            return Self.jsonResponse(status: error.status, error.json)
        }
    }

    /// The answer to a request whose body is larger than maximumBodyBytes.
    func oversizedBodyResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let error = JobsError(
            type: "BadRequestException", category: "BadRequest", code: "REQUEST_TOO_LARGE", status: 413,
            message: "The request body is larger than \(Self.maximumBodyBytes) bytes")
        return Self.jsonResponse(status: error.status, error.json)
    }

    /// The answer to a request arriving while the server is at capacity: 503, to be retried.
    func serverBusyResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        // Info, not warning: under overload a line per refusal would add disk writes to the load.
        self.log.log(.info, "jobs \(request.method) \(request.target) -> 503 SERVER_BUSY")
        let error = JobsError(
            type: "ConnectionException", category: "NoResponse", code: "SERVER_BUSY", status: 503,
            message: "The service is at capacity; retry the request")
        var response = Self.jsonResponse(status: error.status, error.json)
        response.headers.add(name: "Retry-After", value: "1")
        return response
    }

    /// The answer to a request whose target is longer than the server accepts.
    func targetTooLongResponse(_ request: HTTPServerRequest) -> HTTPServerResponse {
        let error = JobsError(
            type: "BadRequestException", category: "BadRequest", code: "URI_TOO_LONG", status: 414,
            message: "The request URI is longer than the service accepts")
        return Self.jsonResponse(status: error.status, error.json)
    }

    /// The command the request's path names.
    private static func command(for request: HTTPServerRequest) throws(JobsError) -> JobsCommand {
        let prefix = Self.basePath + "/"
        guard request.path.hasPrefix(prefix),
            let command = JobsCommand(rawValue: String(request.path.dropFirst(prefix.count)))
        else {
            throw JobsError.notFound("No Jobs command at \(request.path); commands are POST \(prefix)<command>")
        }
        guard request.method == "POST" else {
            throw JobsError.methodNotAllowed(request.method)
        }
        return command
    }

    /// The body's named arguments; an empty body has none.
    private static func arguments(from body: [UInt8]) throws(JobsError) -> JobsJSONObject {
        guard !body.isEmpty else {
            return try JobsJSONObject(.object([]), path: "")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw JobsError.invalidData("The request body is not valid JSON: \(error)")
        }
        return try JobsJSONObject(value, path: "")
    }

    /// A JSON response.
    private static func jsonResponse(status: Int, _ value: JSONValue) -> HTTPServerResponse {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        return HTTPServerResponse(status: status, headers: headers, body: JSONWriter.bytes(value))
    }
}
