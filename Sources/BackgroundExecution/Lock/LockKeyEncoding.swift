//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// Turns any lock key into a valid Table RowKey and back, with ``TableKeyEscaping``, refusing
/// keys that are empty or too long once escaped.
enum LockKeyEncoding {
    /// The longest RowKey the Table service accepts, in UTF-16 code units.
    static let maximumRowKeyLength = 512

    static func encode(_ key: String) throws(LockError) -> String {
        let encoded = TableKeyEscaping.escape(key)
        guard !key.isEmpty else {
            throw LockError(code: .invalidKey, key: key, message: "A lock key must not be empty.")
        }
        guard encoded.utf16.count <= Self.maximumRowKeyLength else {
            throw LockError(
                code: .invalidKey, key: key,
                message: "The lock key is \(encoded.utf16.count) characters once escaped; the Table service "
                    + "stores at most \(Self.maximumRowKeyLength).")
        }
        return encoded
    }

    static func decode(_ rowKey: String) -> String? {
        TableKeyEscaping.unescape(rowKey)
    }
}
