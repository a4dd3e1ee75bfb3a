//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// The queues of an account, read a page at a time: what
/// ``QueueServiceClient/listQueues(prefix:includeMetadata:pageSize:)`` returns.
///
/// Nothing is sent until iteration starts; each iteration starts from the first page.
public struct QueueList: AsyncSequence, Sendable {
    /// A queue, with its metadata when asked for.
    public typealias Element = QueueListItem

    let client: QueueServiceClient
    /// Only names starting with this.
    public let prefix: String?
    /// Whether items carry metadata.
    public let includeMetadata: Bool
    /// Queues per request.
    public let pageSize: Int?

    /// An iterator from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(list: self)
    }

    /// Reads pages as items are consumed.
    public struct Iterator: AsyncIteratorProtocol {
        private let list: QueueList
        private var buffer: [QueueListItem] = []
        private var position = 0
        private var marker: String?
        private var finished = false

        init(list: QueueList) {
            self.list = list
        }

        /// The next queue, fetching the next page when this one is used up.
        public mutating func next() async throws -> QueueListItem? {
            while self.position == self.buffer.count {
                guard !self.finished else { return nil }
                let page = try await self.list.client.listQueuesPage(
                    prefix: self.list.prefix, marker: self.marker, includeMetadata: self.list.includeMetadata,
                    pageSize: self.list.pageSize)
                self.buffer = page.queues
                self.position = 0
                self.marker = page.nextMarker
                self.finished = (page.nextMarker ?? "").isEmpty
            }
            defer { self.position += 1 }
            return self.buffer[self.position]
        }
    }
}
