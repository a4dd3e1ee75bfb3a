//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Turns any lock key into a valid Table RowKey and back.
///
/// The Table service forbids `/`, `\`, `#`, `?` and control characters in keys. Those, and `%`
/// itself, are written as `%XX` per UTF-8 byte; everything else stays as it is, so ordinary
/// keys remain readable in the table. Escaping is reversible: `decode(encode(k)) == k`.
enum LockKeyEncoding {
    /// The longest RowKey the Table service accepts, in UTF-16 code units.
    static let maximumRowKeyLength = 512

    static func encode(_ key: String) throws(LockError) -> String {
        var encoded = ""
        for scalar in key.unicodeScalars {
            if Self.mustEscape(scalar) {
                for byte in String(scalar).utf8 {
                    encoded += "%" + Self.hex(byte)
                }
            } else {
                encoded.unicodeScalars.append(scalar)
            }
        }
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
        var bytes: [UInt8] = []
        var iterator = rowKey.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x25, 0x2F, 0x5C, 0x23, 0x3F, 0x00...0x1F, 0x7F...0x9F: true
        default: false
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
