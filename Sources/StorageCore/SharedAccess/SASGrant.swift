//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// What an authorized SAS allows beyond the operation just checked.
///
/// A table query under a SAS with a key range is authorized as a whole, but it may only return
/// entities inside ``keyRange``; the emulator filters its results with it.
public struct SASGrant: Sendable, Hashable {
    /// The kind of SAS that authorized the request.
    public var kind: SASKind
    /// The entities a table SAS reaches; `nil` when it is not a table SAS or has no bounds.
    public var keyRange: TableSASKeyRange?
    /// When the SAS (or its stored access policy) expires.
    public var expiry: PreciseTimestamp

    /// Creates a grant.
    public init(kind: SASKind, keyRange: TableSASKeyRange? = nil, expiry: PreciseTimestamp) {
        self.kind = kind
        self.keyRange = keyRange
        self.expiry = expiry
    }
}
