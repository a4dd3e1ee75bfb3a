//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation
public import StorageCore

/// Where a query resumes: the `NextPartitionKey` and `NextRowKey` the service returned.
///
/// The values are opaque tokens, not keys, and are sent back exactly as received.
public struct TableContinuationToken: Sendable, Hashable {
    /// The `x-ms-continuation-NextPartitionKey` value.
    public var nextPartitionKey: String
    /// The `x-ms-continuation-NextRowKey` value; `nil` when the service sent none, in which case
    /// no `NextRowKey` is sent back (Azure rejects an empty one).
    public var nextRowKey: String?

    /// Creates a token from the values a response carried.
    public init(nextPartitionKey: String, nextRowKey: String? = nil) {
        self.nextPartitionKey = nextPartitionKey
        self.nextRowKey = nextRowKey
    }
}

/// One response of a query: up to the page size of entities, and where the next page starts.
///
/// A page may be empty and still have a continuation (the service stops a page after a time or
/// scan limit); keep paging until ``continuation`` is `nil`.
public struct TableQueryPage: Sendable, Hashable {
    /// The entities, in PartitionKey then RowKey order, with their timestamps set.
    public var entities: [TableEntity]
    /// The ETag of each entity of ``entities``, at the same index, exactly as the service sent
    /// it: use these with ``ETagCondition/etag(_:)`` rather than rebuilding them from the
    /// timestamps, since a service may write the timestamp inside its ETags differently.
    public var etags: [String]
    /// Where the next page starts, or `nil` after the last page.
    public var continuation: TableContinuationToken?
    /// The response's `Date` header: the service's clock when it answered.
    public var serverDate: Date?

    /// Creates a page.
    public init(
        entities: [TableEntity], etags: [String], continuation: TableContinuationToken?, serverDate: Date? = nil
    ) {
        self.entities = entities
        self.etags = etags
        self.continuation = continuation
        self.serverDate = serverDate
    }
}

/// A query of one table, run lazily: iterating it sends one request per page and yields every
/// matching entity once, in PartitionKey then RowKey order.
///
/// ```swift
/// for try await entity in table.query(filter: .equal("PartitionKey", .string("jobs"))) { … }
/// for try await page in table.query(pageSize: 100).pages { … page.continuation … }
/// ```
///
/// Each iteration starts from the first page again; nothing is cached. Errors are thrown by the
/// iterator from the page request that failed: ``StorageCore/StorageError`` (404
/// `TableNotFound` for a missing table, 400 `InvalidInput` for a filter the service rejects)
/// or the transport's ``TransportError``.
public struct TableQuery: AsyncSequence, Sendable {
    /// The entities matched.
    public typealias Element = TableEntity

    /// The table queried.
    let client: TableClient
    /// The `$filter` text sent, or `nil` for every entity.
    public let filter: String?
    /// The properties asked for, or `nil` for all.
    public let select: [String]?
    /// The `$top` sent: the most entities per page (the service allows 1 to 1000, and pages
    /// hold at most 1000 without it).
    public let pageSize: Int?

    /// Creates a query; see ``TableClient/query(filter:select:pageSize:)``.
    init(client: TableClient, filter: String?, select: [String]?, pageSize: Int?) {
        self.client = client
        self.filter = filter
        self.select = select
        self.pageSize = pageSize
    }

    /// The query's pages, from the first.
    public var pages: TableQueryPages {
        TableQueryPages(query: self, start: nil)
    }

    /// The query's pages from a continuation a previous page returned, or from the first
    /// when `continuation` is `nil`.
    public func pages(from continuation: TableContinuationToken?) -> TableQueryPages {
        TableQueryPages(query: self, start: continuation)
    }

    /// Fetches one page: the first when `continuation` is `nil`.
    ///
    /// - Throws: ``StorageCore/StorageError`` when the service refuses the query; the transport's
    ///   ``TransportError`` when no answer came.
    public func page(from continuation: TableContinuationToken? = nil) async throws -> TableQueryPage {
        try await self.client.queryPage(self, continuation: continuation)
    }

    /// Starts iterating from the first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(pages: self.pages.makeAsyncIterator())
    }

    /// Yields the entities of one page after another.
    public struct Iterator: AsyncIteratorProtocol {
        private var pages: TableQueryPages.Iterator
        private var buffer: [TableEntity] = []
        private var position = 0

        init(pages: TableQueryPages.Iterator) {
            self.pages = pages
        }

        /// The next entity, fetching pages as needed (skipping empty ones), or `nil` after the last.
        public mutating func next() async throws -> TableEntity? {
            while self.position == self.buffer.count {
                guard let page = try await self.pages.next() else { return nil }
                self.buffer = page.entities
                self.position = 0
            }
            defer { self.position += 1 }
            return self.buffer[self.position]
        }
    }
}

/// The pages of a ``TableQuery``, each fetched when the iteration reaches it.
public struct TableQueryPages: AsyncSequence, Sendable {
    /// One response of the query.
    public typealias Element = TableQueryPage

    let query: TableQuery
    let start: TableContinuationToken?

    /// Starts iterating at the sequence's first page.
    public func makeAsyncIterator() -> Iterator {
        Iterator(query: self.query, continuation: self.start)
    }

    /// Fetches one page per call, following the continuation of the previous one.
    public struct Iterator: AsyncIteratorProtocol {
        private let query: TableQuery
        private var continuation: TableContinuationToken?
        private var finished = false

        init(query: TableQuery, continuation: TableContinuationToken?) {
            self.query = query
            self.continuation = continuation
        }

        /// The next page, or `nil` after the page that had no continuation.
        public mutating func next() async throws -> TableQueryPage? {
            guard !self.finished else { return nil }
            do {
                let page = try await self.query.page(from: self.continuation)
                self.continuation = page.continuation
                self.finished = page.continuation == nil
                return page
            } catch {
                self.finished = true
                throw error
            }
        }
    }
}
