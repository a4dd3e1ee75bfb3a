//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Why the verifier refused a SAS: the error to answer with and Azure's detail text.
///
/// The codes and messages follow Azure: every problem with the token itself (fields, signature,
/// validity period, stored policy) is 403 `AuthenticationFailed`, as Azure's recorded responses
/// and its storage emulator's sources show; the documented `Authorization…Mismatch` codes cover
/// a genuine token used outside its terms; anything else a token cannot do is
/// `AuthorizationFailure`.
struct SASRejection: Error, Sendable {
    let error: StorageError
    let detail: String

    /// 403 `AuthenticationFailed` with Azure's standard message.
    static func authenticationFailed(_ detail: String) -> Self {
        Self(
            error: StorageError(
                status: 403, code: .authenticationFailed,
                message: "Server failed to authenticate the request. Make sure the value of Authorization header is "
                    + "formed correctly including the signature."),
            detail: detail)
    }

    /// The `AuthenticationErrorDetail` Azure gives for any malformed field.
    static let malformed = Self.authenticationFailed("Signature fields not well formed.")

    /// 403 `AuthorizationPermissionMismatch`.
    static func permissionMismatch(_ detail: String) -> Self {
        Self.authorization(
            .authorizationPermissionMismatch,
            "This request is not authorized to perform this operation using this permission.", detail)
    }

    /// 403 `AuthorizationServiceMismatch`.
    static func serviceMismatch(_ detail: String) -> Self {
        Self.authorization(
            .authorizationServiceMismatch,
            "This request is not authorized to perform this operation using this service.",
            detail)
    }

    /// 403 `AuthorizationResourceTypeMismatch`.
    static func resourceTypeMismatch(_ detail: String) -> Self {
        Self.authorization(
            .authorizationResourceTypeMismatch,
            "This request is not authorized to perform this operation using this resource type.", detail)
    }

    /// 403 `AuthorizationProtocolMismatch`.
    static func protocolMismatch(_ detail: String) -> Self {
        Self.authorization(
            .authorizationProtocolMismatch,
            "This request is not authorized to perform this operation using this protocol.", detail)
    }

    /// 403 `AuthorizationSourceIPMismatch`, naming the client address as Azure does.
    static func sourceIPMismatch(address: String, _ detail: String) -> Self {
        Self.authorization(
            .authorizationSourceIPMismatch,
            "This request is not authorized to perform this operation using this source IP \(address).", detail)
    }

    /// 403 `AuthorizationFailure`: a genuine SAS that can never run this operation here.
    static func authorizationFailure(_ detail: String) -> Self {
        Self.authorization(.authorizationFailure, "This request is not authorized to perform this operation.", detail)
    }

    private static func authorization(_ code: StorageErrorCode, _ message: String, _ detail: String) -> Self {
        Self(error: StorageError(status: 403, code: code, message: message), detail: detail)
    }
}
