//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// A client for the Queue service of an account: what concerns no single queue.
///
/// ```swift
/// let service = QueueServiceClient(account: account)
/// for try await queue in service.listQueues(prefix: "jobs-") { print(queue.name) }
/// ```
///
/// Errors and retries are as for ``QueueClient``. Safe to share between tasks.
public final class QueueServiceClient: Sendable {
    /// The account, with its credential and endpoints.
    public let account: StorageAccount
    /// The encoding of the ``QueueClient``s made by ``queueClient(_:)``.
    public let messageEncoding: QueueMessageEncoding
    /// Signs and sends requests.
    let pipeline: StoragePipeline

    /// Creates a client for the account's Queue service.
    ///
    /// - Parameters:
    ///   - account: The account; its ``StorageCore/StorageAccount/queueEndpoint`` is used.
    ///   - messageEncoding: The encoding of the queue clients this one makes.
    ///   - transport: What sends requests.
    public init(
        account: StorageAccount, messageEncoding: QueueMessageEncoding = .plainText,
        transport: any HTTPTransport = CurlTransport.shared
    ) {
        self.account = account
        self.messageEncoding = messageEncoding
        self.pipeline = StoragePipeline(
            account: account, service: .queue, version: QueueClient.serviceVersion, defaultHeaders: [:],
            transport: transport)
    }

    /// A client for one queue, with this client's encoding and transport.
    public func queueClient(_ queueName: String) -> QueueClient {
        QueueClient(
            account: self.account, queueName: queueName, messageEncoding: self.messageEncoding,
            transport: self.pipeline.transport)
    }

    /// Every queue whose name starts with `prefix`, in name order, fetched a page at a time as
    /// the sequence is read.
    ///
    /// - Parameters:
    ///   - prefix: Only names starting with it; all when `nil`.
    ///   - includeMetadata: Whether each item carries its metadata.
    ///   - pageSize: Queues per request (the service returns at most 5000).
    public func listQueues(prefix: String? = nil, includeMetadata: Bool = false, pageSize: Int? = nil) -> QueueList {
        QueueList(client: self, prefix: prefix, includeMetadata: includeMetadata, pageSize: pageSize)
    }

    /// One page of List Queues.
    ///
    /// - Parameters:
    ///   - prefix: Only names starting with it.
    ///   - marker: Where to continue: the previous page's `nextMarker`; `nil` for the first page.
    ///   - includeMetadata: Whether each item carries its metadata.
    ///   - pageSize: Queues per page.
    public func listQueuesPage(
        prefix: String? = nil, marker: String? = nil, includeMetadata: Bool = false, pageSize: Int? = nil
    ) async throws -> QueueListPage {
        var query: QueryParameters = ["comp": "list"]
        if let prefix { query.append(name: "prefix", value: prefix) }
        if let marker { query.append(name: "marker", value: marker) }
        if let pageSize { query.append(name: "maxresults", value: String(pageSize)) }
        if includeMetadata { query.append(name: "include", value: "metadata") }
        let response = try await self.pipeline.send(StorageRequest(method: "GET", path: "/", query: query))
        do {
            return try QueueListXML.decode(response.body)
        } catch {
            throw StorageResponseError(
                status: response.status, message: "EnumerationResults: \(error)", requestID: response.requestID)
        }
    }
}
