//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueClient {
    /// The most messages one receive or peek returns.
    public static let maximumBatchSize = 32

    /// Puts a message.
    ///
    /// - Parameters:
    ///   - text: The text; at most 64 KiB of UTF-8 after encoding.
    ///   - visibilityTimeout: How long it stays invisible first (0–7 days); visible at once
    ///     by default.
    ///   - timeToLive: How long it lives; the service's default (7 days) when `nil`.
    /// - Returns: The new message's id and a pop receipt that already works.
    /// - Throws: ``StorageCore/StorageError`` 413 `RequestBodyTooLarge` for text too long,
    ///   400 `OutOfRangeQueryParameterValue` or `InvalidQueryParameterValue` for timeouts
    ///   out of range (the visibility timeout must be shorter than the time to live), 404
    ///   `QueueNotFound`.
    @discardableResult
    public func send(
        _ text: String, visibilityTimeout: Duration? = nil, timeToLive: QueueMessageTimeToLive? = nil
    ) async throws -> QueueSendReceipt {
        var query = QueryParameters()
        if let visibilityTimeout {
            query.append(name: "visibilitytimeout", value: String(Self.wholeSeconds(visibilityTimeout)))
        }
        if let timeToLive {
            query.append(name: "messagettl", value: timeToLive.queryValue)
        }
        let response = try await self.pipeline.send(
            StorageRequest(
                method: "POST", path: self.messagesPath, query: query,
                headers: ["Content-Type": Self.contentTypeXML],
                body: QueueMessageXML.encodeMessageText(self.encode(text))))
        let items = try Self.decodeList(response)
        guard let item = items.first, let popReceipt = item.popReceipt, let timeNextVisible = item.timeNextVisible
        else {
            throw StorageResponseError(
                status: response.status, message: "Put Message answered without a message, receipt or time",
                requestID: response.requestID)
        }
        return QueueSendReceipt(
            messageId: item.messageID, popReceipt: popReceipt, insertionTime: item.insertionTime,
            expirationTime: item.expirationTime, timeNextVisible: timeNextVisible)
    }

    /// Receives up to `count` visible messages and hides them for `visibilityTimeout`.
    ///
    /// Each returned message gets a new pop receipt and a dequeue count one higher. Order is
    /// not guaranteed.
    ///
    /// - Parameters:
    ///   - count: 1–32.
    ///   - visibilityTimeout: 1 s–7 days; the service's default (30 s) when `nil`.
    /// - Returns: The messages; empty when none is visible.
    /// - Throws: QueueMessageDecodingError when a message is not valid for
    ///   messageEncoding (the message stays received: its lock runs out as usual).
    public func receive(count: Int = 1, visibilityTimeout: Duration? = nil) async throws -> [QueueMessage] {
        var query: QueryParameters = ["numofmessages": String(count)]
        if let visibilityTimeout {
            query.append(name: "visibilitytimeout", value: String(Self.wholeSeconds(visibilityTimeout)))
        }
        let response = try await self.pipeline.send(
            StorageRequest(method: "GET", path: self.messagesPath, query: query))
        return try Self.decodeList(response).map(self.message(from:))
    }

    /// Up to `count` visible messages, without hiding them or issuing receipts.
    ///
    /// - Parameter count: 1–32.
    public func peek(count: Int = 1) async throws -> [QueueMessage] {
        let response = try await self.pipeline.send(
            StorageRequest(
                method: "GET", path: self.messagesPath, query: ["peekonly": "true", "numofmessages": String(count)]))
        return try Self.decodeList(response).map(self.message(from:))
    }

    /// Deletes a message.
    ///
    /// - Parameters:
    ///   - messageId: The message's id.
    ///   - popReceipt: The latest receipt from a send, receive or update.
    /// - Throws: ``StorageCore/StorageError`` for which `isLostPopReceipt` holds when the
    ///   receipt is stale or the message is gone.
    public func delete(messageId: String, popReceipt: String) async throws {
        _ = try await self.pipeline.send(
            StorageRequest(
                method: "DELETE", path: self.messagePath(messageId), query: ["popreceipt": popReceipt]))
    }

    /// Changes a message's visibility, and its text when `text` is given.
    ///
    /// A visibility timeout of 0 makes the message visible at once (abandon); a longer one
    /// extends the lock (renew).
    ///
    /// - Parameters:
    ///   - messageId: The message's id.
    ///   - popReceipt: The latest receipt.
    ///   - visibilityTimeout: 0 s–7 days from now.
    ///   - text: The new text, or `nil` to keep it.
    /// - Returns: The **new** pop receipt, which replaces `popReceipt`, and the next visible
    ///   time.
    /// - Throws: ``StorageCore/StorageError`` for which `isLostPopReceipt` holds when the
    ///   receipt is stale or the message is gone.
    @discardableResult
    public func update(
        messageId: String, popReceipt: String, visibilityTimeout: Duration, text: String? = nil
    ) async throws -> QueueUpdateReceipt {
        let query: QueryParameters = [
            "popreceipt": popReceipt, "visibilitytimeout": String(Self.wholeSeconds(visibilityTimeout)),
        ]
        var request = StorageRequest(method: "PUT", path: self.messagePath(messageId), query: query)
        if let text {
            request.headers.add(name: "Content-Type", value: Self.contentTypeXML)
            request.body = QueueMessageXML.encodeMessageText(self.encode(text))
        }
        let response = try await self.pipeline.send(request)
        guard let newReceipt = response.headers["x-ms-popreceipt"],
            let timeNextVisible = response.headers["x-ms-time-next-visible"].flatMap(HTTPDate.date(from:))
        else {
            throw StorageResponseError(
                status: response.status,
                message: "Update Message answered without x-ms-popreceipt or "
                    + "x-ms-time-next-visible", requestID: response.requestID)
        }
        return QueueUpdateReceipt(popReceipt: newReceipt, timeNextVisible: timeNextVisible)
    }

    /// Deletes every message of the queue.
    public func clear() async throws {
        _ = try await self.pipeline.send(StorageRequest(method: "DELETE", path: self.messagesPath))
    }

    // MARK: - Encoding

    /// `/queue/messages/<id>`.
    func messagePath(_ messageId: String) -> String {
        self.messagesPath + "/" + PercentEncoding.encode(messageId)
    }

    /// The text as it goes into `<MessageText>`.
    func encode(_ text: String) -> String {
        switch self.messageEncoding {
        case .plainText: text
        case .base64: Base64.encode(Array(text.utf8))
        }
    }

    /// A message from its XML item, text decoded.
    func message(from item: QueueMessageItem) throws(QueueMessageDecodingError) -> QueueMessage {
        let raw = item.messageText ?? ""
        let text: String
        switch self.messageEncoding {
        case .plainText:
            text = raw
        case .base64:
            guard let bytes = Base64.decode(raw), let decoded = String(validating: bytes, as: UTF8.self) else {
                throw QueueMessageDecodingError(messageId: item.messageID, rawText: raw)
            }
            text = decoded
        }
        return QueueMessage(
            messageId: item.messageID, popReceipt: item.popReceipt, dequeueCount: item.dequeueCount ?? 0,
            insertionTime: item.insertionTime, expirationTime: item.expirationTime,
            timeNextVisible: item.timeNextVisible, text: text)
    }

    /// The messages of a `<QueueMessagesList>` response.
    static func decodeList(_ response: HTTPClientResponse) throws(StorageResponseError) -> [QueueMessageItem] {
        do {
            return try QueueMessageXML.decodeList(response.body)
        } catch {
            throw StorageResponseError(
                status: response.status, message: "QueueMessagesList: \(error)", requestID: response.requestID)
        }
    }
}
