//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// A client for one queue of Azure Queue Storage, or of an emulator that speaks its protocol.
///
/// ```swift
/// let queue = try QueueClient(queueName: "jobs")          // AZURE_STORAGE_CONNECTION_STRING
/// try await queue.createIfNotExists()
/// try await queue.send("analyse 42")
/// for message in try await queue.receive(count: 16, visibilityTimeout: .seconds(30)) {
///     try await work(message.text)
///     try await queue.delete(messageId: message.messageId, popReceipt: message.popReceipt!)
/// }
/// ```
///
/// Requests speak the XML dialect at `x-ms-version` 2021-12-02 and are authorized by the
/// account's credential: a shared key signs each request with the Blob/Queue string-to-sign,
/// a SAS is appended to each URL, an anonymous account sends neither.
///
/// **Message text** is encoded by messageEncoding on send and update and decoded on
/// receive and peek: `.plainText` (Python's default) or `.base64` (.NET's and Azure
/// Functions'). A queue's producers and consumers must agree.
///
/// **Timeouts** are whole seconds on the wire; a `Duration` is rounded **up** to the next
/// second, so a lock is never shorter than asked.
///
/// **Errors.** A refusal by the service throws ``StorageCore/StorageError`` with the code of
/// the XML error body (`error.code == .messageNotFound`). A stale pop receipt is 404
/// `MessageNotFound` on Azure and 400 `PopReceiptMismatch` on Azurite: treat both as "lock
/// lost" (`StorageError.isLostPopReceipt`). A failure to get any answer throws
/// the transport's TransportError unchanged.
///
/// **No retries.** Every operation makes exactly one attempt.
///
/// The client holds no mutable state and is safe to share between tasks.
public final class QueueClient: Sendable {
    /// The queue every operation addresses.
    public let queueName: String
    /// The account, with its credential and endpoints.
    public let account: StorageAccount
    /// How message text is encoded on the wire.
    public let messageEncoding: QueueMessageEncoding
    /// Signs and sends requests.
    let pipeline: StoragePipeline

    /// The `x-ms-version` sent: late enough for `messagettl=-1`.
    static let serviceVersion = "2021-12-02"
    /// The `Content-Type` of XML request bodies.
    static let contentTypeXML = "application/xml"

    /// Creates a client for one queue of an account.
    ///
    /// Nothing is sent: the queue need not exist yet (see ``createIfNotExists(metadata:)``).
    ///
    /// - Parameters:
    ///   - account: The account; its ``StorageCore/StorageAccount/queueEndpoint`` is used,
    ///     path included. Without one, every operation throws
    ///     ``StorageCore/StorageConfigurationError``.
    ///   - queueName: The queue: 3–63 lowercase letters, digits and single dashes.
    ///   - messageEncoding: How text goes on the wire.
    ///   - transport: What sends requests.
    public init(
        account: StorageAccount, queueName: String, messageEncoding: QueueMessageEncoding = .plainText,
        transport: any HTTPTransport = CurlTransport.shared
    ) {
        self.account = account
        self.queueName = queueName
        self.messageEncoding = messageEncoding
        self.pipeline = StoragePipeline(
            account: account, service: .queue, version: Self.serviceVersion, defaultHeaders: [:],
            transport: transport)
    }

    /// Creates a client from a connection string, or from the environment.
    ///
    /// - Parameters:
    ///   - connectionString: A connection string, or `nil` to read
    ///     `AZURE_STORAGE_CONNECTION_STRING`.
    ///   - queueName: The queue.
    ///   - messageEncoding: How text goes on the wire.
    ///   - transport: What sends requests.
    /// - Throws: ``StorageCore/StorageConfigurationError`` when the string cannot be read or
    ///   gives no queue endpoint.
    public convenience init(
        connectionString: String? = nil, queueName: String, messageEncoding: QueueMessageEncoding = .plainText,
        transport: any HTTPTransport = CurlTransport.shared
    ) throws {
        let account = try StorageAccount(connectionString: connectionString)
        guard account.queueEndpoint != nil else {
            throw StorageConfigurationError(
                code: .missingSetting,
                message: "The connection string gives no queue endpoint; add 'QueueEndpoint' or 'EndpointSuffix'.")
        }
        self.init(account: account, queueName: queueName, messageEncoding: messageEncoding, transport: transport)
    }

    /// A client for another queue of the same account, with the same encoding and transport.
    public func sibling(queueName: String) -> QueueClient {
        QueueClient(
            account: self.account, queueName: queueName, messageEncoding: self.messageEncoding,
            transport: self.pipeline.transport)
    }

    // MARK: - The queue

    /// Creates the queue.
    ///
    /// Azure answers 204 (no error) when the queue exists with the same metadata.
    ///
    /// - Returns: `true` when this call created it, `false` when it existed with the same
    ///   metadata.
    /// - Throws: ``StorageCore/StorageError`` 409 `QueueAlreadyExists` when it exists with
    ///   other metadata, 409 `QueueBeingDeleted`, 400 for a bad name.
    @discardableResult
    public func create(metadata: [String: String] = [:]) async throws -> Bool {
        let response = try await self.pipeline.send(
            StorageRequest(method: "PUT", path: self.queuePath, headers: Self.metadataHeaders(metadata)))
        return response.status == 201
    }

    /// Creates the queue unless it exists.
    ///
    /// A create whose answer was lost is sent again: repeating it is harmless.
    ///
    /// - Returns: `true` when this call created it (`false` also when an earlier attempt of this
    ///   call created it but its answer was lost).
    @discardableResult
    public func createIfNotExists(metadata: [String: String] = [:]) async throws -> Bool {
        try await StorageRetryPolicy.standard.repeatingLostAnswers {
            do {
                return try await self.create(metadata: metadata)
            } catch let error as StorageError where error.code == .queueAlreadyExists {
                return false
            }
        }
    }

    /// Deletes the queue and its messages.
    ///
    /// - Throws: ``StorageCore/StorageError`` 404 `QueueNotFound` when there is none.
    public func delete() async throws {
        _ = try await self.pipeline.send(StorageRequest(method: "DELETE", path: self.queuePath))
    }

    /// Deletes the queue if it exists.
    ///
    /// - Returns: `true` when this call deleted it.
    @discardableResult
    public func deleteIfExists() async throws -> Bool {
        do {
            try await self.delete()
            return true
        } catch let error as StorageError where error.code == .queueNotFound {
            return false
        }
    }

    /// The queue's metadata and approximate message count.
    public func properties() async throws -> QueueProperties {
        let response = try await self.pipeline.send(
            StorageRequest(method: "GET", path: self.queuePath, query: ["comp": "metadata"]))
        var metadata: [String: String] = [:]
        for field in response.headers where field.name.lowercased().hasPrefix("x-ms-meta-") {
            metadata[String(field.name.dropFirst("x-ms-meta-".count))] = field.value
        }
        let count = response.headers["x-ms-approximate-messages-count"].flatMap { Int($0) } ?? 0
        return QueueProperties(metadata: metadata, approximateMessageCount: count)
    }

    /// Replaces the queue's whole metadata set (an empty one clears it).
    ///
    /// - Parameter metadata: Names must be C# identifiers; they compare ignoring case.
    public func setMetadata(_ metadata: [String: String]) async throws {
        _ = try await self.pipeline.send(
            StorageRequest(
                method: "PUT", path: self.queuePath, query: ["comp": "metadata"],
                headers: Self.metadataHeaders(metadata)))
    }

    // MARK: - Helpers

    /// `/queue`.
    var queuePath: String {
        "/" + PercentEncoding.encode(self.queueName)
    }

    /// `/queue/messages`.
    var messagesPath: String {
        self.queuePath + "/messages"
    }

    /// `x-ms-meta-<name>` for each entry, sorted by name so requests are reproducible.
    static func metadataHeaders(_ metadata: [String: String]) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) {
            headers.add(name: "x-ms-meta-" + name, value: value)
        }
        return headers
    }

    /// A duration in whole seconds, rounded up; never negative.
    static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
