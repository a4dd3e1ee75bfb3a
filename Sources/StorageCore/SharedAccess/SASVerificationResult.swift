//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The verdict on a request's SAS.
public enum SASVerificationResult: Sendable, Hashable {
    /// The SAS is genuine, in force, and covers the operation.
    case authorized(SASGrant)
    /// The request must be refused with `error` (always 403).
    ///
    /// `detail` says why in Azure's words — what Azure sends as `AuthenticationErrorDetail`,
    /// such as `Signature not valid in the specified time frame: …` — for the response body or
    /// the log. It never contains the presented signature.
    case denied(StorageError, detail: String)

    /// Whether the request may proceed.
    public var isAuthorized: Bool {
        if case .authorized = self { return true }
        return false
    }

    /// The error to answer with, when denied.
    public var error: StorageError? {
        if case .denied(let error, _) = self { return error }
        return nil
    }
}
