//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One page of a List Queues answer: the `EnumerationResults` document.
public struct QueueListPage: Sendable, Hashable {
    /// The account's queue endpoint, such as `http://127.0.0.1:10001/devstoreaccount1/`.
    public var serviceEndpoint: String
    /// The prefix asked for, if any.
    public var prefix: String?
    /// The marker asked for, if any.
    public var marker: String?
    /// The page size asked for, if any.
    public var maxResults: Int?
    /// The queues of this page, sorted by name.
    public var queues: [QueueListItem]
    /// The opaque marker for the next page; `nil` (an empty element) on the last page.
    public var nextMarker: String?

    /// Creates a page.
    public init(
        serviceEndpoint: String, prefix: String? = nil, marker: String? = nil, maxResults: Int? = nil,
        queues: [QueueListItem] = [], nextMarker: String? = nil
    ) {
        self.serviceEndpoint = serviceEndpoint
        self.prefix = prefix
        self.marker = marker
        self.maxResults = maxResults
        self.queues = queues
        self.nextMarker = nextMarker
    }
}
