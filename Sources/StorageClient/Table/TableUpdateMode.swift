//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How an update or upsert treats the properties already stored.
public enum TableUpdateMode: Sendable, Hashable {
    /// Replace the whole entity: properties the new entity lacks are removed (`PUT`).
    case replace
    /// Merge into the stored entity: the new entity's properties overwrite or are added, the
    /// others are kept (`PATCH`, Azure's MERGE).
    case merge

    /// The HTTP method of the mode.
    var method: String {
        switch self {
        case .replace: "PUT"
        case .merge: "PATCH"
        }
    }
}
