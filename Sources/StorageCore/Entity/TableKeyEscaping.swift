//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Turns any text into a valid PartitionKey or RowKey and back.
///
/// The Table service forbids `/`, `\`, `#`, `?` and control characters in keys. Those, and `%`
/// itself, are written as `%XX` per UTF-8 byte; everything else stays as it is, so ordinary
/// names remain readable in the table. Escaping is reversible: `unescape(escape(text)) == text`.
/// Escaping does not shorten: callers with long input still check the key length limit.
public enum TableKeyEscaping {
    /// `text` with the characters keys cannot hold (and `%`) written as `%XX`.
    public static func escape(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF")
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x25, 0x2F, 0x5C, 0x23, 0x3F, 0x00...0x1F, 0x7F...0x9F:
                for byte in String(scalar).utf8 {
                    escaped += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
                }
            default:
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// The original text of an escaped key, or `nil` when `key` holds a broken `%XX` sequence or
    /// its bytes are not UTF-8.
    public static func unescape(_ key: String) -> String? {
        PercentEncoding.decode(key)
    }
}
