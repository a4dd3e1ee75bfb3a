//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// An error of the Jobs service, as pip-services sends it: a JSON `ErrorDescription`
/// `{type, category, code, status, message, details, correlation_id}` with the HTTP status.
public struct JobsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exception's class name, such as `BadRequestException`.
    public var type: String
    /// The pip-services error category, such as `BadRequest` or `Conflict`.
    public var category: String
    /// A machine-readable code, such as `INVALID_DATA` or `LOCK_TOKEN_MISMATCH`.
    public var code: String
    /// The HTTP status the error travels with.
    public var status: Int
    /// A human-readable explanation.
    public var message: String
    /// Structured details, such as the argument that was invalid; `nil` when none.
    public var details: JSONValue?
    /// The correlation id of the call that failed, when it had one.
    public var correlationId: String?

    /// Creates an error from all its fields.
    public init(
        type: String, category: String, code: String, status: Int, message: String, details: JSONValue? = nil,
        correlationId: String? = nil
    ) {
        self.type = type
        self.category = category
        self.code = code
        self.status = status
        self.message = message
        self.details = details
        self.correlationId = correlationId
    }

    /// `"<code>: <message>"`.
    public var description: String {
        "\(self.code): \(self.message)"
    }

    // MARK: Codes

    /// The code of an argument that is missing or has the wrong type (pip-services
    /// `ValidationException`).
    public static let invalidDataCode = "INVALID_DATA"
    /// The code of a `lock_token` that is not the job's current one: another worker has claimed
    /// the job since, or the claim has ended.
    public static let lockTokenMismatchCode = "LOCK_TOKEN_MISMATCH"
    /// The code of a request for a command or path the service does not have.
    public static let notFoundCode = "NOT_FOUND"
    /// The code of a request with a method other than `POST`.
    public static let methodNotAllowedCode = "METHOD_NOT_ALLOWED"
    /// The code of a failure inside the service, such as its database failing.
    public static let internalCode = "INTERNAL"

    // MARK: Factories

    /// A 400 `BadRequest` error: an argument is missing, malformed or out of range.
    public static func invalidData(_ message: String, details: JSONValue? = nil) -> JobsError {
        JobsError(
            type: "BadRequestException", category: "BadRequest", code: Self.invalidDataCode, status: 400,
            message: message, details: details)
    }

    /// A 409 `Conflict` error: the caller's claim on the job is no longer the current one.
    public static func lockTokenMismatch(jobId: String) -> JobsError {
        JobsError(
            type: "ConflictException", category: "Conflict", code: Self.lockTokenMismatchCode, status: 409,
            message: "Job \(jobId) is not locked with the given lock token",
            details: .object([JSONMember("job_id", .string(jobId))]))
    }

    /// A 404 `NotFound` error: no such command or path.
    public static func notFound(_ message: String) -> JobsError {
        JobsError(
            type: "NotFoundException", category: "NotFound", code: Self.notFoundCode, status: 404, message: message)
    }

    /// A 405 `Unsupported` error: commands are called with `POST` only.
    public static func methodNotAllowed(_ method: String) -> JobsError {
        JobsError(
            type: "UnsupportedException", category: "Unsupported", code: Self.methodNotAllowedCode, status: 405,
            message: "Method \(method) is not allowed; commands are called with POST")
    }

    /// A 500 `Internal` error: the service failed.
    public static func internalError(_ message: String) -> JobsError {
        JobsError(
            type: "InternalException", category: "Internal", code: Self.internalCode, status: 500, message: message)
    }
}
