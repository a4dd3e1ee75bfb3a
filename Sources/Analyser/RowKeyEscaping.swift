//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Turns a file name into a valid Table RowKey and back.
///
/// `/`, `\\`, `#`, `?`, control characters and `%` itself become `%XX` per UTF-8 byte;
/// everything else stays, so names remain readable and `decode(encode(name)) == name`.
enum RowKeyEscaping: Sendable {
    static func encode(_ name: String) -> String {
        var encoded = ""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x25, 0x2F, 0x5C, 0x23, 0x3F, 0x00...0x1F, 0x7F...0x9F:
                for byte in String(scalar).utf8 {
                    let digits = Array("0123456789ABCDEF")
                    encoded += "%\(digits[Int(byte >> 4)])\(digits[Int(byte & 0x0F)])"
                }
            default:
                encoded.unicodeScalars.append(scalar)
            }
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

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
