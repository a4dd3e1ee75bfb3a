//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The errors the emulator answers with, carrying Azure's status codes and messages.
///
/// Messages follow Azure's wording where clients depend on it (the Python SDK turns some table
/// name errors into friendly messages only when the text matches, typo included).
extension StorageError {
    static func invalidInput(_ message: String = "One of the request inputs is not valid.") -> StorageError {
        StorageError(status: 400, code: .invalidInput, message: message)
    }

    static func resourceNotFound() -> StorageError {
        StorageError(status: 404, code: .resourceNotFound, message: "The specified resource does not exist.")
    }

    static func tableNotFound() -> StorageError {
        StorageError(status: 404, code: .tableNotFound, message: "The table specified does not exist.")
    }

    static func tableAlreadyExists() -> StorageError {
        StorageError(status: 409, code: .tableAlreadyExists, message: "The table specified already exists.")
    }

    static func entityAlreadyExists() -> StorageError {
        StorageError(status: 409, code: .entityAlreadyExists, message: "The specified entity already exists.")
    }

    static func updateConditionNotSatisfied() -> StorageError {
        StorageError(
            status: 412, code: .updateConditionNotSatisfied,
            message: "The update condition specified in the request was not satisfied.")
    }

    static func authenticationFailed(_ detail: String) -> StorageError {
        StorageError(
            status: 403, code: .authenticationFailed,
            message: "Server failed to authenticate the request. Make sure the value of Authorization header is "
                + "formed correctly including the signature.\nAuthenticationErrorDetail:\(detail)")
    }

    static func methodNotAllowed() -> StorageError {
        StorageError(
            status: 405, code: "MethodNotAllowed",
            message: "The requested method is not allowed on the specified resource.")
    }

    static func notImplemented() -> StorageError {
        StorageError(
            status: 501, code: .notImplemented,
            message: "The requested operation is not implemented on the specified resource.")
    }

    static func requestBodyTooLarge(limit: Int) -> StorageError {
        StorageError(
            status: 413, code: .requestBodyTooLarge,
            message: "The request body is too large and exceeds the maximum permissible limit of \(limit) bytes.")
    }

    static func invalidHeaderValue(_ name: String) -> StorageError {
        StorageError(
            status: 400, code: .invalidHeaderValue,
            message: "The value for one of the HTTP headers is not in the correct format. Header: \(name)")
    }

    static func missingRequiredHeader(_ name: String) -> StorageError {
        StorageError(
            status: 400, code: .missingRequiredHeader,
            message: "An HTTP header that's mandatory for this request is not specified. Header: \(name)")
    }

    static func invalidQueryParameterValue(_ name: String) -> StorageError {
        StorageError(
            status: 400, code: .invalidQueryParameterValue,
            message: "Value for one of the query parameters specified in the request URI is invalid. Parameter: \(name)"
        )
    }

    /// 503 `ServerBusy`, Azure's answer when it cannot take more requests; clients retry it.
    static func serverBusy() -> StorageError {
        StorageError(
            status: 503, code: .serverBusy,
            message: "The server is currently unable to receive requests. Please retry your request.")
    }

    /// 414 with `InvalidUri`: Azure has no code of its own for an over-long URL, so the status
    /// says what happened and the code is the one Azure gives URLs it cannot use.
    static func targetTooLong() -> StorageError {
        StorageError(
            status: 414, code: .invalidUri,
            message: "The request URI is longer than the server accepts.")
    }

    static func internalError() -> StorageError {
        StorageError(
            status: 500, code: .internalError,
            message: "Server encountered an internal error. Please try again after some time.")
    }
}
