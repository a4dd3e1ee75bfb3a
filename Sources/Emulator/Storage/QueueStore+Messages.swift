//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueStore {
    /// The expiry of a message put with `messagettl=-1`: 9999-12-31T23:59:59Z, as Azure reports it.
    package static let neverExpires: Int64 = 253_402_300_799_000

    /// The most expired messages one operation purges, so that no request stalls on a backlog.
    static let purgeBatchSize = 256

    /// Puts a message.
    ///
    /// - Parameters:
    ///   - visibilityTimeout: Milliseconds until the message becomes visible.
    ///   - timeToLive: Milliseconds until it expires; `nil` for never.
    /// - Returns: The stored message with its first pop receipt, or `nil` when the queue does
    ///   not exist.
    package func putMessage(
        account: String, queue: String, text: String, visibilityTimeout: Int64, timeToLive: Int64?
    ) throws(SQLiteError) -> StoredQueueMessage? {
        try self.transaction { database, now throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return nil }
            let expiration = timeToLive.map { min(Self.neverExpires, now.addingReportingOverflow($0).partialValue) }
            let message = StoredQueueMessage(
                messageID: RandomIdentifier.uuidString(), insertionTime: now,
                expirationTime: expiration ?? Self.neverExpires, nextVisibleTime: now + visibilityTimeout,
                dequeueCount: 0, popReceipt: Self.newPopReceipt(), text: text)
            try database.execute(
                "INSERT INTO messages (account, queue, message_id, insertion_ms, expiration_ms, next_visible_ms, "
                    + "dequeue_count, pop_receipt, body) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                [
                    .text(account), .text(queue), .text(message.messageID), .integer(message.insertionTime),
                    .integer(message.expirationTime), .integer(message.nextVisibleTime), .text(message.popReceipt),
                    .text(text),
                ])
            return message
        }
    }

    /// Get Messages: up to `count` visible messages, each hidden for `visibilityTimeout`
    /// milliseconds with a new pop receipt and its dequeue count raised by one.
    ///
    /// - Returns: The messages as they now are, roughly oldest-visible first; `nil` when the
    ///   queue does not exist.
    package func receiveMessages(
        account: String, queue: String, count: Int, visibilityTimeout: Int64
    ) throws(SQLiteError) -> [StoredQueueMessage]? {
        try self.transaction { database, now throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return nil }
            try Self.purgeExpired(in: database, account: account, queue: queue, now: now)
            var messages = try Self.visibleMessages(
                in: database, account: account, queue: queue, now: now, count: count)
            for index in messages.indices {
                messages[index].nextVisibleTime = now + visibilityTimeout
                messages[index].dequeueCount += 1
                messages[index].popReceipt = Self.newPopReceipt()
                try database.execute(
                    "UPDATE messages SET next_visible_ms = ?, dequeue_count = ?, pop_receipt = ? "
                        + "WHERE account = ? AND queue = ? AND message_id = ?",
                    [
                        .integer(messages[index].nextVisibleTime), .integer(Int64(messages[index].dequeueCount)),
                        .text(messages[index].popReceipt), .text(account), .text(queue),
                        .text(messages[index].messageID),
                    ])
            }
            return messages
        }
    }

    /// Peek Messages: up to `count` visible messages, unchanged.
    ///
    /// - Returns: `nil` when the queue does not exist.
    package func peekMessages(account: String, queue: String, count: Int) throws(SQLiteError) -> [StoredQueueMessage]? {
        try self.transaction { database, now throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return nil }
            return try Self.visibleMessages(in: database, account: account, queue: queue, now: now, count: count)
        }
    }

    /// Delete Message: removes the message if `popReceipt` is its current receipt and it has
    /// not expired.
    package func deleteMessage(
        account: String, queue: String, messageID: String, popReceipt: String
    ) throws(SQLiteError) -> QueueMessageChange {
        try self.transaction { database, now throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return .queueNotFound }
            guard
                let message = try Self.liveMessage(
                    in: database, account: account, queue: queue, messageID: messageID, now: now),
                message.popReceipt == popReceipt
            else { return .messageNotFound }
            try database.execute(
                "DELETE FROM messages WHERE account = ? AND queue = ? AND message_id = ?",
                [.text(account), .text(queue), .text(messageID)])
            return .changed(message)
        }
    }

    /// Update Message: with the current receipt, hides the message for `visibilityTimeout`
    /// milliseconds from now, issues a new receipt and optionally replaces its text.
    ///
    /// Once a lapsed message has been received by someone else its receipt has changed, so the
    /// old holder's update finds no message — Azure's 404, not Azurite's lingering lease.
    package func updateMessage(
        account: String, queue: String, messageID: String, popReceipt: String, visibilityTimeout: Int64,
        text: String?
    ) throws(SQLiteError) -> QueueMessageChange {
        try self.transaction { database, now throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return .queueNotFound }
            guard
                var message = try Self.liveMessage(
                    in: database, account: account, queue: queue, messageID: messageID, now: now),
                message.popReceipt == popReceipt
            else { return .messageNotFound }
            message.nextVisibleTime = now + visibilityTimeout
            message.popReceipt = Self.newPopReceipt()
            if let text { message.text = text }
            try database.execute(
                "UPDATE messages SET next_visible_ms = ?, pop_receipt = ?, body = ? "
                    + "WHERE account = ? AND queue = ? AND message_id = ?",
                [
                    .integer(message.nextVisibleTime), .text(message.popReceipt), .text(message.text), .text(account),
                    .text(queue), .text(messageID),
                ])
            return .changed(message)
        }
    }

    /// Clear Messages: deletes every message of the queue.
    ///
    /// - Returns: `false` when the queue does not exist.
    package func clearMessages(account: String, queue: String) throws(SQLiteError) -> Bool {
        try self.transaction { database, _ throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: queue) != nil else { return false }
            try database.execute(
                "DELETE FROM messages WHERE account = ? AND queue = ?", [.text(account), .text(queue)])
            return true
        }
    }

    // MARK: - Helpers

    private static let columns =
        "message_id, insertion_ms, expiration_ms, next_visible_ms, dequeue_count, pop_receipt, body"

    private static func message(from statement: SQLiteStatement) -> StoredQueueMessage {
        StoredQueueMessage(
            messageID: statement.text(at: 0), insertionTime: statement.integer(at: 1),
            expirationTime: statement.integer(at: 2), nextVisibleTime: statement.integer(at: 3),
            dequeueCount: Int(statement.integer(at: 4)), popReceipt: statement.text(at: 5),
            text: statement.text(at: 6))
    }

    /// The first `count` visible, unexpired messages by (next visible, insertion order), read
    /// along the `messages_visible` index.
    private static func visibleMessages(
        in database: SQLiteDatabase, account: String, queue: String, now: Int64, count: Int
    ) throws(SQLiteError) -> [StoredQueueMessage] {
        try database.rows(
            "SELECT \(Self.columns) FROM messages INDEXED BY messages_visible "
                + "WHERE account = ? AND queue = ? AND next_visible_ms <= ? AND expiration_ms > ? "
                + "ORDER BY next_visible_ms, sequence LIMIT ?",
            [.text(account), .text(queue), .integer(now), .integer(now), .integer(Int64(count))],
            row: Self.message(from:))
    }

    /// The message with this id unless it has expired.
    private static func liveMessage(
        in database: SQLiteDatabase, account: String, queue: String, messageID: String, now: Int64
    ) throws(SQLiteError) -> StoredQueueMessage? {
        try database.rows(
            "SELECT \(Self.columns) FROM messages WHERE account = ? AND queue = ? AND message_id = ? "
                + "AND expiration_ms > ?",
            [.text(account), .text(queue), .text(messageID), .integer(now)], row: Self.message(from:)
        ).first
    }

    /// Deletes up to ``purgeBatchSize`` expired messages of the queue; the rest go on later
    /// calls, and are invisible meanwhile.
    private static func purgeExpired(
        in database: SQLiteDatabase, account: String, queue: String, now: Int64
    ) throws(SQLiteError) {
        try database.execute(
            "DELETE FROM messages WHERE sequence IN (SELECT sequence FROM messages INDEXED BY messages_expiry "
                + "WHERE account = ? AND queue = ? AND expiration_ms <= ? LIMIT ?)",
            [.text(account), .text(queue), .integer(now), .integer(Int64(Self.purgeBatchSize))])
    }

    /// A fresh pop receipt: 16 random bytes in base64, like Azure's opaque receipts.
    private static func newPopReceipt() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }
}
