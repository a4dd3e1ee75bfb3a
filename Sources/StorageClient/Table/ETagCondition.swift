//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The `If-Match` condition of an update or delete: which version of the entity it may change.
public enum ETagCondition: Sendable, Hashable {
    /// Any existing version (`If-Match: *`); the entity must still exist.
    case any
    /// Only the version with this ETag, exactly as a read or write returned it; another version
    /// fails with 412 `UpdateConditionNotSatisfied`.
    case etag(String)

    /// The `If-Match` header value.
    var headerValue: String {
        switch self {
        case .any: "*"
        case .etag(let etag): etag
        }
    }
}
