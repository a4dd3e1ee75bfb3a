//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A storage account's shared key: the secret that signs requests.
///
/// The key never shows itself: its `description`, `debugDescription` and reflection print
/// `<redacted>`, so an account or request logged by mistake does not leak it.
public struct StorageAccountKey: Sendable, Hashable {
    /// The decoded key bytes, for signing.
    package let bytes: [UInt8]

    /// Decodes a key from its base64 text, as the portal and connection strings show it.
    ///
    /// - Throws: ``StorageConfigurationError`` with code `invalidAccountKey` when the text is not
    ///   base64 or decodes to nothing. The message never contains the text.
    public init(base64 text: String) throws {
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)), !data.isEmpty
        else {
            throw StorageConfigurationError(
                code: .invalidAccountKey, message: "The account key is not valid base64.")
        }
        self.bytes = Array(data)
    }

    /// Wraps raw key bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The key as base64 text, for writing it back into a connection string.
    public var base64EncodedString: String {
        Data(self.bytes).base64EncodedString()
    }
}

extension StorageAccountKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` and string interpolation of containers stay clean.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
