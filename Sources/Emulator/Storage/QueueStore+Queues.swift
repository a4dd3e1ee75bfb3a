//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

package import StorageCore

extension QueueStore {
    /// Creates a queue, or reports how an existing one's metadata compares.
    ///
    /// Metadata names compare ignoring case, values exactly, as Azure decides between 204
    /// and 409.
    package func createQueue(
        account: String, name: String, metadata: [QueueMetadataEntry]
    ) throws(SQLiteError) -> QueueCreation {
        try self.transaction { database, now throws(SQLiteError) in
            if let existing = try Self.metadata(in: database, account: account, name: name) {
                return Self.sameMetadata(existing, metadata) ? .existedWithSameMetadata : .existedWithOtherMetadata
            }
            try database.execute(
                "INSERT INTO queues (account, name, metadata, created_ms) VALUES (?, ?, ?, ?)",
                [.text(account), .text(name), .blob(Self.encode(metadata)), .integer(now)])
            return .created
        }
    }

    /// Deletes a queue with its messages and access policy.
    ///
    /// - Returns: `false` when there was no such queue.
    package func deleteQueue(account: String, name: String) throws(SQLiteError) -> Bool {
        try self.transaction { database, _ throws(SQLiteError) in
            let deleted = try database.execute(
                "DELETE FROM queues WHERE account = ? AND name = ?", [.text(account), .text(name)])
            guard deleted > 0 else { return false }
            try database.execute("DELETE FROM messages WHERE account = ? AND queue = ?", [.text(account), .text(name)])
            try database.execute(
                "DELETE FROM queue_acls WHERE account = ? AND name = ?", [.text(account), .text(name)])
            return true
        }
    }

    /// The queue's metadata and approximate count of unexpired messages, or `nil` when the
    /// queue does not exist.
    package func queueProperties(
        account: String, name: String
    ) throws(SQLiteError) -> (metadata: [QueueMetadataEntry], messageCount: Int)? {
        try self.transaction { database, now throws(SQLiteError) in
            guard let metadata = try Self.metadata(in: database, account: account, name: name) else { return nil }
            let count =
                try database.rows(
                    "SELECT COUNT(*) FROM messages WHERE account = ? AND queue = ? AND expiration_ms > ?",
                    [.text(account), .text(name), .integer(now)]
                ) { statement in Int(statement.integer(at: 0)) }.first ?? 0
            return (metadata, count)
        }
    }

    /// Replaces a queue's metadata.
    ///
    /// - Returns: `false` when there is no such queue.
    package func setQueueMetadata(
        account: String, name: String, metadata: [QueueMetadataEntry]
    ) throws(SQLiteError) -> Bool {
        try self.transaction { database, _ throws(SQLiteError) in
            try database.execute(
                "UPDATE queues SET metadata = ? WHERE account = ? AND name = ?",
                [.blob(Self.encode(metadata)), .text(account), .text(name)]) > 0
        }
    }

    /// One page of an account's queues whose names start with `prefix`, sorted by name.
    ///
    /// - Parameters:
    ///   - after: Start after this name; `nil` for the beginning.
    ///   - limit: The most queues to return, at least 1.
    /// - Returns: The queues with their metadata, and whether more follow.
    package func listQueues(
        account: String, prefix: String, after: String?, limit: Int
    ) throws(SQLiteError) -> (queues: [QueueListItem], hasMore: Bool) {
        try self.transaction { database, _ throws(SQLiteError) in
            // Names are lowercase ASCII, so every name with the prefix sorts before prefix + "~".
            let lower = max(prefix, after ?? "")
            let rows = try database.rows(
                "SELECT name, metadata FROM queues WHERE account = ? AND name >= ? AND name > ? "
                    + "ORDER BY name LIMIT ?",
                [.text(account), .text(lower), .text(after ?? ""), .integer(Int64(limit) + 1)]
            ) { statement in (statement.text(at: 0), statement.blob(at: 1)) }
            var queues: [QueueListItem] = []
            var hasMore = false
            for (name, metadata) in rows {
                guard name.hasPrefix(prefix) else { break }
                guard queues.count < limit else {
                    hasMore = true
                    break
                }
                queues.append(QueueListItem(name: name, metadata: Self.decode(metadata)))
            }
            return (queues, hasMore)
        }
    }

    /// Whether the queue exists.
    package func queueExists(account: String, name: String) throws(SQLiteError) -> Bool {
        try self.transaction { database, _ throws(SQLiteError) in
            try Self.metadata(in: database, account: account, name: name) != nil
        }
    }

    /// The queue's access policy as stored (encoded by the service), or `nil` when never set.
    package func queueACL(account: String, name: String) throws(SQLiteError) -> [UInt8]? {
        try self.transaction { database, _ throws(SQLiteError) in
            try database.rows(
                "SELECT signed_identifiers FROM queue_acls WHERE account = ? AND name = ?",
                [.text(account), .text(name)]
            ) { statement in statement.blob(at: 0) }.first
        }
    }

    /// Stores the queue's access policy, replacing the earlier one.
    ///
    /// - Returns: `false` when there is no such queue.
    package func setQueueACL(account: String, name: String, signedIdentifiers: [UInt8]) throws(SQLiteError) -> Bool {
        try self.transaction { database, _ throws(SQLiteError) in
            guard try Self.metadata(in: database, account: account, name: name) != nil else { return false }
            try database.execute(
                "INSERT INTO queue_acls (account, name, signed_identifiers) VALUES (?, ?, ?) "
                    + "ON CONFLICT (account, name) DO UPDATE SET signed_identifiers = excluded.signed_identifiers",
                [.text(account), .text(name), .blob(signedIdentifiers)])
            return true
        }
    }

    /// The account's Queue service properties document, or `nil` when never set.
    package func serviceProperties(account: String) throws(SQLiteError) -> [UInt8]? {
        try self.transaction { database, _ throws(SQLiteError) in
            try database.rows("SELECT properties FROM service_properties WHERE account = ?", [.text(account)]) {
                statement in statement.blob(at: 0)
            }.first
        }
    }

    /// Stores the account's Queue service properties document.
    package func setServiceProperties(account: String, properties: [UInt8]) throws(SQLiteError) {
        try self.transaction { database, _ throws(SQLiteError) in
            _ = try database.execute(
                "INSERT INTO service_properties (account, properties) VALUES (?, ?) "
                    + "ON CONFLICT (account) DO UPDATE SET properties = excluded.properties",
                [.text(account), .blob(properties)])
        }
    }

    // MARK: - Helpers

    /// The stored metadata of a queue, or `nil` when the queue does not exist.
    static func metadata(in database: SQLiteDatabase, account: String, name: String) throws(SQLiteError)
        -> [QueueMetadataEntry]?
    {
        try database.rows(
            "SELECT metadata FROM queues WHERE account = ? AND name = ?", [.text(account), .text(name)]
        ) { statement in Self.decode(statement.blob(at: 0)) }.first
    }

    private static func sameMetadata(_ left: [QueueMetadataEntry], _ right: [QueueMetadataEntry]) -> Bool {
        func normalized(_ entries: [QueueMetadataEntry]) -> [String: String] {
            Dictionary(entries.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        }
        return normalized(left) == normalized(right)
    }

    private static func encode(_ metadata: [QueueMetadataEntry]) -> [UInt8] {
        JSONWriter.bytes(.object(metadata.map { JSONMember($0.name, .string($0.value)) }))
    }

    private static func decode(_ bytes: [UInt8]) -> [QueueMetadataEntry] {
        guard case .object(let members)? = try? JSONParser.parse(bytes) else { return [] }
        return members.compactMap { member in
            guard case .string(let value) = member.value else { return nil }
            return QueueMetadataEntry(name: member.name, value: value)
        }
    }
}
