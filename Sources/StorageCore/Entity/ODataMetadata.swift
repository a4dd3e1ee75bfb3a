//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How much OData metadata a Table JSON response carries, as the `odata=` parameter of the
/// media type names it.
///
/// - No metadata: only the entity's own properties; clients infer types from JSON shapes.
/// - Minimal: adds `odata.metadata`, `odata.etag` and `@odata.type` for the types JSON cannot
///   express (Int64, DateTime, Guid, Binary, non-finite Double). The SDKs ask for this.
/// - Full: adds `odata.type`, `odata.id`, `odata.editLink` and the `Timestamp` annotation.
public enum ODataMetadata: String, Sendable, Hashable, CaseIterable {
    /// `application/json;odata=nometadata`.
    case noMetadata = "nometadata"
    /// `application/json;odata=minimalmetadata`.
    case minimalMetadata = "minimalmetadata"
    /// `application/json;odata=fullmetadata`.
    case fullMetadata = "fullmetadata"

    /// The media type a client sends in `Accept` to ask for this level,
    /// `application/json;odata=minimalmetadata`.
    public var mediaType: String {
        "application/json;odata=" + self.rawValue
    }

    /// The `Content-Type` of a response at this level,
    /// `application/json; odata=minimalmetadata; streaming=true; charset=utf-8`.
    ///
    /// Written with a space after each `;`, as in the Azure responses the reference records
    /// (other captures show no spaces; clients parse the parameters either way).
    public var responseContentType: String {
        "application/json; odata=" + self.rawValue + "; streaming=true; charset=utf-8"
    }
}
