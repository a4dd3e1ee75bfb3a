//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension QueueStore {
    /// The schema, as migrations applied in order; never edit a released one, append.
    ///
    /// Design notes for version 1:
    /// - Queue names are lowercase by rule, so `name` is the key as written.
    /// - `metadata` is a JSON object of names (case kept) to values, in the order set.
    /// - `messages.sequence` is the insertion order (`AUTOINCREMENT`, so a deleted last message
    ///   never hands its number to the next), the tie-break that makes delivery roughly FIFO.
    /// - `messages_visible` on `(account, queue, next_visible, sequence)` serves Get and Peek
    ///   Messages: the visible messages are a prefix of the queue's range in that index, so
    ///   taking the first 32 is one descent plus a short walk. Expired messages are skipped by
    ///   the query and purged through `messages_expiry`.
    /// - `messages_id` finds a message by id for Delete and Update Message.
    /// - Times are milliseconds since 1970; a message that never expires has the expiry
    ///   9999-12-31T23:59:59Z.
    static let migrations: [String] = [
        """
        CREATE TABLE queues (
            account TEXT NOT NULL COLLATE BINARY,
            name TEXT NOT NULL COLLATE BINARY,
            metadata BLOB NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (account, name)
        ) WITHOUT ROWID;
        CREATE TABLE queue_acls (
            account TEXT NOT NULL COLLATE BINARY,
            name TEXT NOT NULL COLLATE BINARY,
            signed_identifiers BLOB NOT NULL,
            PRIMARY KEY (account, name)
        ) WITHOUT ROWID;
        CREATE TABLE messages (
            sequence INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL COLLATE BINARY,
            queue TEXT NOT NULL COLLATE BINARY,
            message_id TEXT NOT NULL COLLATE BINARY,
            insertion_ms INTEGER NOT NULL,
            expiration_ms INTEGER NOT NULL,
            next_visible_ms INTEGER NOT NULL,
            dequeue_count INTEGER NOT NULL,
            pop_receipt TEXT NOT NULL,
            body TEXT NOT NULL
        );
        CREATE INDEX messages_visible ON messages (account, queue, next_visible_ms, sequence);
        CREATE INDEX messages_expiry ON messages (account, queue, expiration_ms);
        CREATE UNIQUE INDEX messages_id ON messages (account, queue, message_id);
        CREATE TABLE service_properties (
            account TEXT NOT NULL PRIMARY KEY COLLATE BINARY,
            properties BLOB NOT NULL
        ) WITHOUT ROWID;
        """
    ]
}
