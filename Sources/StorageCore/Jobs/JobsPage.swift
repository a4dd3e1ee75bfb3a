//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One page of `get_jobs`: pip-services `DataPage<JobV1>`, `{"data":[…],"total":n}`.
public struct JobsPage: Sendable, Hashable {
    /// The jobs on this page, oldest first.
    public var data: [Job]
    /// How many jobs match in all; present only when the paging asked for it.
    public var total: Int?

    /// Creates a page.
    public init(data: [Job], total: Int? = nil) {
        self.data = data
        self.total = total
    }
}
