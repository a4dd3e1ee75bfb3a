//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The OData literal forms of typed values in `$filter` text.
///
/// Clients must build filters from values through this (or `TableFilter`) rather than by
/// pasting text: a string is quoted with every `'` doubled, so no value can end the literal
/// early and inject filter syntax.
public enum FilterLiteral {
    /// The literal that `FilterExpression.parse(_:)` reads back as exactly `value`.
    ///
    /// - `'it''s'` for strings: quotes doubled, every other character (newlines, `%`,
    ///   non-ASCII) verbatim, since the whole filter is percent-encoded as one query value.
    /// - `5` for Int32 and `5L` for Int64: the suffix is the type.
    /// - Doubles always with a fraction or an exponent (`2.0`, `1e+20`), because `2` would be
    ///   an Int32 and Azure compares types strictly; NaN and the infinities use the OData v3
    ///   keywords `NaN`, `INF` and `-INF`.
    /// - `datetime'2008-07-10T00:00:00Z'`, with the fraction's trailing zeros trimmed (up to
    ///   seven digits, the full 100 ns precision).
    /// - `guid'c9da6455-213d-42c9-9a79-3e9149a57833'` (lowercase) and `X'0A0B'` (uppercase hex,
    ///   as the .NET clients write it).
    public static func format(_ value: EdmValue) -> String {
        switch value {
        case .string(let text):
            return "'" + text.replacing("'", with: "''") + "'"
        case .int32(let number):
            return String(number)
        case .int64(let number):
            return String(number) + "L"
        case .double(let number):
            return Self.formatDouble(number)
        case .boolean(let flag):
            return flag ? "true" : "false"
        case .dateTime(let timestamp):
            return "datetime'" + timestamp.iso8601(trimmingFractionZeros: true) + "'"
        case .guid(let text):
            // A `.guid` built from arbitrary text keeps only hex digits and hyphens, so it can
            // never close the quote; the service then rejects it as not a GUID.
            let guid = EdmValue.canonicalGUID(text) ?? String(text.filter { $0.isHexDigit || $0 == "-" })
            return "guid'" + guid + "'"
        case .binary(let bytes):
            return "X'" + Self.hexadecimal(bytes) + "'"
        }
    }

    private static func formatDouble(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-INF" : "INF" }
        // Swift prints the shortest text that reads back as the same Double; it has a
        // fraction or an exponent except in forms this guard keeps from being read as Int32.
        let text = number.description
        return text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? text : text + ".0"
    }

    private static func hexadecimal(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".unicodeScalars)
        var text = String.UnicodeScalarView()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(text)
    }
}
