//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// Azure's rules for table names and entity keys, with Azure's error codes and messages.
enum TableValidation {
    /// The longest key, in UTF-16 code units: Azure documents keys "up to 1 KiB" and stores
    /// strings as UTF-16, so 512 characters; recorded Azure traffic accepts 512.
    static let maximumKeyLength = 512

    /// Checks a table name: 3 to 63 characters, ASCII letters and digits, starting with a letter,
    /// and not the reserved name `tables`.
    ///
    /// The messages are Azure's exactly, typo included ("specifed"): the Python SDK turns these
    /// two errors into friendly `ValueError`s only when the text matches.
    static func validateTableName(_ name: String) throws(StorageError) {
        let bytes = Array(name.utf8)
        let isAlphanumeric = bytes.allSatisfy { Self.isASCIILetter($0) || Self.isASCIIDigit($0) }
        guard name.lowercased() != "tables" else {
            throw .invalidInput("The table name 'tables' is reserved.")
        }
        guard isAlphanumeric, let first = bytes.first, Self.isASCIILetter(first) else {
            throw StorageError(
                status: 400, code: .invalidResourceName,
                message: "The specifed resource name contains invalid characters.")
        }
        guard (3...63).contains(bytes.count) else {
            throw StorageError(
                status: 400, code: .outOfRangeInput,
                message: "The specified resource name length is not within the permissible limits.")
        }
    }

    /// Checks a PartitionKey or RowKey: no `/`, `\`, `#`, `?` or control characters, and at most
    /// ``maximumKeyLength`` UTF-16 code units.
    ///
    /// The codes are Azure's as recorded: `OutOfRangeInput` for a forbidden character,
    /// `PropertyValueTooLarge` for a key that is too long.
    static func validateKey(_ key: String, name: String) throws(StorageError) {
        for scalar in key.unicodeScalars {
            switch scalar.value {
            case 0x2F, 0x5C, 0x23, 0x3F, 0x00...0x1F, 0x7F...0x9F:
                throw StorageError(
                    status: 400, code: .outOfRangeInput,
                    message: "The '\(name)' parameter of value '\(Self.excerpt(key))' is out of range.")
            default:
                continue
            }
        }
        guard key.utf16.count <= Self.maximumKeyLength else {
            throw StorageError(
                status: 400, code: .propertyValueTooLarge,
                message: "The property value exceeds the maximum allowed size (1KB). \(name) is \(key.utf16.count) "
                    + "characters long; at most \(Self.maximumKeyLength) fit in 1 KiB of UTF-16.")
        }
    }

    /// A key shortened for an error message, with control characters made visible.
    private static func excerpt(_ key: String) -> String {
        var text = ""
        for scalar in key.unicodeScalars.prefix(64) {
            if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                text += "\\u" + String(scalar.value, radix: 16)
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return key.unicodeScalars.count > 64 ? text + "…" : text
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isASCIIDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte)
    }
}
