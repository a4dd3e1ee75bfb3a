//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension FilterLiteral {
    /// Reads the quoted part of a `datetime'…'` literal.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM`, optional `:SS`, an optional fraction of one to seven digits,
    /// then `Z`, an offset `±HH:MM`, or nothing (read as UTC) — the ISO 8601 forms that .NET's
    /// `XmlConvert` reads in the OData v3 literal. More than seven fractional digits are refused
    /// rather than silently rounded.
    static func parseDateTime(_ text: String) -> PreciseTimestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":")
        else { return nil }
        var normalized = Array(bytes[0..<16])
        var index = 16
        if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
            guard index + 3 <= bytes.count else { return nil }
            normalized += bytes[index..<(index + 3)]
            index += 3
        } else {
            normalized += Array(":00".utf8)
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            let start = index
            index += 1
            while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
            guard (2...8).contains(index - start) else { return nil }
            normalized += bytes[start..<index]
        }
        var offsetSeconds: Int64 = 0
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                guard index + 6 == bytes.count, bytes[index + 3] == UInt8(ascii: ":"),
                    let hours = CivilTime.number(bytes[(index + 1)..<(index + 3)]),
                    let minutes = CivilTime.number(bytes[(index + 4)..<(index + 6)]), hours <= 23, minutes <= 59
                else { return nil }
                let magnitude = Int64(hours * 3_600 + minutes * 60)
                offsetSeconds = bytes[index] == UInt8(ascii: "+") ? magnitude : -magnitude
                index += 6
            default:
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        normalized.append(UInt8(ascii: "Z"))
        guard let local = PreciseTimestamp(iso8601: String(decoding: normalized, as: UTF8.self)) else { return nil }
        return PreciseTimestamp(
            ticksSinceEpoch: local.ticksSinceEpoch - offsetSeconds * PreciseTimestamp.ticksPerSecond)
    }

    /// Reads the quoted part of an `X'…'` or `binary'…'` literal: pairs of hex digits in either
    /// case; empty means zero bytes.
    static func parseHexadecimal(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
