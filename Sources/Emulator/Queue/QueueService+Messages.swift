//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueService {
    /// Put Message: 201 with the new message's id, dates and first pop receipt.
    func putMessage(_ context: QueueRequestContext, queue: String) throws -> HTTPServerResponse {
        let query = context.query
        let visibilityTimeout =
            try QueueValidation.integer(query, "visibilitytimeout", in: 0...QueueValidation.sevenDays, default: 0) ?? 0
        let timeToLive = try Self.timeToLive(query)
        if let timeToLive, visibilityTimeout >= timeToLive {
            throw QueueServiceError(
                StorageError(
                    status: 400, code: .invalidQueryParameterValue,
                    message: "messagettl must be greater than visibilitytimeout."),
                details: [
                    QueueMetadataEntry(name: "QueryParameterName", value: "visibilitytimeout"),
                    QueueMetadataEntry(name: "QueryParameterValue", value: String(visibilityTimeout)),
                ])
        }
        let text = try Self.messageText(context.request.body, required: true) ?? ""
        let account = context.account.name
        guard
            let message = try self.storeCall({ () throws(SQLiteError) in
                try self.store.putMessage(
                    account: account, queue: queue, text: text, visibilityTimeout: visibilityTimeout * 1000,
                    timeToLive: timeToLive.map { $0 * 1000 })
            })
        else { throw StorageError.queueNotFound() }
        let item = QueueMessageItem(
            messageID: message.messageID, insertionTime: Self.date(message.insertionTime),
            expirationTime: Self.date(message.expirationTime), popReceipt: message.popReceipt,
            timeNextVisible: Self.date(message.nextVisibleTime))
        return Self.xmlResponse(status: 201, body: QueueMessageXML.encodeList([item]))
    }

    /// Get Messages: up to `numofmessages` (1–32) visible messages, hidden for
    /// `visibilitytimeout` seconds (1 s – 7 days, default 30 s).
    func getMessages(_ context: QueueRequestContext, queue: String) throws -> HTTPServerResponse {
        let count = try Self.messageCount(context.query)
        let visibilityTimeout =
            try QueueValidation.integer(
                context.query, "visibilitytimeout", in: 1...QueueValidation.sevenDays, default: 30) ?? 30
        let account = context.account.name
        guard
            let messages = try self.storeCall({ () throws(SQLiteError) in
                try self.store.receiveMessages(
                    account: account, queue: queue, count: count, visibilityTimeout: visibilityTimeout * 1000)
            })
        else { throw StorageError.queueNotFound() }
        let items = messages.map { message in
            QueueMessageItem(
                messageID: message.messageID, insertionTime: Self.date(message.insertionTime),
                expirationTime: Self.date(message.expirationTime), popReceipt: message.popReceipt,
                timeNextVisible: Self.date(message.nextVisibleTime), dequeueCount: message.dequeueCount,
                messageText: message.text)
        }
        return Self.xmlResponse(status: 200, body: QueueMessageXML.encodeList(items))
    }

    /// Peek Messages: up to `numofmessages` visible messages, unchanged, without receipts.
    func peekMessages(_ context: QueueRequestContext, queue: String) throws -> HTTPServerResponse {
        let count = try Self.messageCount(context.query)
        let account = context.account.name
        guard
            let messages = try self.storeCall({ () throws(SQLiteError) in
                try self.store.peekMessages(account: account, queue: queue, count: count)
            })
        else { throw StorageError.queueNotFound() }
        let items = messages.map { message in
            QueueMessageItem(
                messageID: message.messageID, insertionTime: Self.date(message.insertionTime),
                expirationTime: Self.date(message.expirationTime), dequeueCount: message.dequeueCount,
                messageText: message.text)
        }
        return Self.xmlResponse(status: 200, body: QueueMessageXML.encodeList(items))
    }

    /// Delete Message: 204 with the current pop receipt; 404 `MessageNotFound` otherwise.
    func deleteMessage(
        _ context: QueueRequestContext, queue: String, messageID: String
    ) throws -> HTTPServerResponse {
        let popReceipt = try Self.popReceipt(context.query)
        let account = context.account.name
        let change = try self.storeCall { () throws(SQLiteError) in
            try self.store.deleteMessage(account: account, queue: queue, messageID: messageID, popReceipt: popReceipt)
        }
        switch change {
        case .changed: return HTTPServerResponse(status: 204)
        case .queueNotFound: throw StorageError.queueNotFound()
        case .messageNotFound: throw StorageError.messageNotFound()
        }
    }

    /// Update Message: 204 with the new receipt in `x-ms-popreceipt` and the new visibility in
    /// `x-ms-time-next-visible`; the body, if any, replaces the text.
    func updateMessage(
        _ context: QueueRequestContext, queue: String, messageID: String
    ) throws -> HTTPServerResponse {
        let popReceipt = try Self.popReceipt(context.query)
        guard context.query["visibilitytimeout"] != nil else {
            throw StorageError(
                status: 400, code: .missingRequiredQueryParameter,
                message: "A query parameter that's mandatory for this request is not specified.")
        }
        let visibilityTimeout =
            try QueueValidation.integer(
                context.query, "visibilitytimeout", in: 0...QueueValidation.sevenDays, default: 0) ?? 0
        let text = try Self.messageText(context.request.body, required: false)
        let account = context.account.name
        let change = try self.storeCall { () throws(SQLiteError) in
            try self.store.updateMessage(
                account: account, queue: queue, messageID: messageID, popReceipt: popReceipt,
                visibilityTimeout: visibilityTimeout * 1000, text: text)
        }
        switch change {
        case .changed(let message):
            return HTTPServerResponse(
                status: 204,
                headers: [
                    "x-ms-popreceipt": message.popReceipt,
                    "x-ms-time-next-visible": HTTPDate.string(from: Self.date(message.nextVisibleTime)),
                ])
        case .queueNotFound: throw StorageError.queueNotFound()
        case .messageNotFound: throw StorageError.messageNotFound()
        }
    }

    /// Clear Messages: 204.
    func clearMessages(_ context: QueueRequestContext, queue: String) throws -> HTTPServerResponse {
        let account = context.account.name
        let cleared = try self.storeCall { () throws(SQLiteError) in
            try self.store.clearMessages(account: account, queue: queue)
        }
        guard cleared else { throw StorageError.queueNotFound() }
        return HTTPServerResponse(status: 204)
    }

    // MARK: - Parameters

    /// `messagettl` in seconds: default seven days, `-1` for never (`nil`), otherwise at least 1.
    private static func timeToLive(_ query: QueryParameters) throws -> Int64? {
        guard let text = query["messagettl"] else { return QueueValidation.sevenDays }
        guard let value = Int64(text), value == -1 || value >= 1 else {
            throw QueueServiceError(
                .invalidQueryParameterValue("messagettl"),
                details: [
                    QueueMetadataEntry(name: "QueryParameterName", value: "messagettl"),
                    QueueMetadataEntry(name: "QueryParameterValue", value: text),
                    QueueMetadataEntry(name: "Reason", value: "messagettl must be -1 or a positive number of seconds."),
                ])
        }
        return value == -1 ? nil : value
    }

    private static func messageCount(_ query: QueryParameters) throws -> Int {
        Int(
            try QueueValidation.integer(
                query, "numofmessages", in: 1...Int64(QueueValidation.maximumMessagesPerRequest), default: 1) ?? 1)
    }

    private static func popReceipt(_ query: QueryParameters) throws(StorageError) -> String {
        guard let popReceipt = query["popreceipt"], !popReceipt.isEmpty else {
            throw StorageError(
                status: 400, code: .missingRequiredQueryParameter,
                message: "A query parameter that's mandatory for this request is not specified.\n"
                    + "QueryParameterName: popreceipt")
        }
        return popReceipt
    }

    /// The `MessageText` of a request body, at most 64 KiB of UTF-8.
    ///
    /// - Parameter required: Whether an empty body is an error (Put) or means "keep the
    ///   text" (Update, which answers `nil`).
    private static func messageText(_ body: [UInt8], required: Bool) throws -> String? {
        if body.isEmpty && !required { return nil }
        let text: String
        do {
            text = try QueueMessageXML.decodeMessageText(body)
        } catch {
            throw StorageError(
                status: 400, code: .invalidXmlDocument,
                message: "XML specified is not syntactically valid.\nDetail: \(error.reason)")
        }
        guard text.utf8.count <= QueueValidation.maximumMessageBytes else {
            throw QueueServiceError.bodyTooLarge(limit: QueueValidation.maximumMessageBytes)
        }
        return text
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
