//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Which part of a result `get_jobs` returns: pip-services `PagingParams`.
public struct PagingParams: Sendable, Hashable {
    /// How many jobs to skip; `nil` skips none.
    public var skip: Int?
    /// How many jobs to return at most; `nil` asks for the service's maximum page (1000).
    public var take: Int?
    /// Whether the page should also report how many jobs match in all.
    public var total: Bool

    /// Creates paging parameters; the defaults ask for the first page without a total.
    public init(skip: Int? = nil, take: Int? = nil, total: Bool = false) {
        self.skip = skip
        self.take = take
        self.total = total
    }
}
