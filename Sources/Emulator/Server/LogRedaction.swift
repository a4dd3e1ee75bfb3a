//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Removes secrets from text on its way to the log.
///
/// Request targets carry shared access signatures in their query (`sig=`), and a signature is a
/// bearer credential until it expires: whoever reads it from a log can replay the request. Every
/// line ``EmulatorLog`` writes passes through ``redacting(_:)``, so no call site can forget.
package enum LogRedaction {
    /// What replaces a secret.
    package static let placeholder = "<redacted>"

    /// `text` with the value of every `sig` query parameter, every `SharedKey` or
    /// `SharedKeyLite` signature and every `AccountKey` setting replaced by `<redacted>`.
    ///
    /// Parameter names are matched without regard to case, as Azure reads them; a value ends at
    /// `&`, `;`, `,`, whitespace, a quote or the end of the text (none of which base64 or
    /// percent-encoding produce).
    package static func redacting(_ text: String) -> String {
        let bytes = Array(text.utf8)
        // Most lines carry no secret; skip the copy for them.
        guard Self.mayContainSecret(bytes) else {
            return text
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if let valueStart = Self.secretValueStart(in: bytes, at: index) {
                output.append(contentsOf: bytes[index..<valueStart])
                output.append(contentsOf: Self.placeholder.utf8)
                index = valueStart
                while index < bytes.count, !Self.endsValue(bytes[index]) {
                    index += 1
                }
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The prefixes after which a secret value follows, lowercased; each must start a word.
    private static let secretPrefixes: [[UInt8]] = ["sig=", "accountkey=", "sharedkey ", "sharedkeylite "].map {
        Array($0.utf8)
    }

    private static func mayContainSecret(_ bytes: [UInt8]) -> Bool {
        let lowered = bytes.map(Self.lowercased)
        return Self.secretPrefixes.contains { prefix in
            lowered.firstRange(of: prefix) != nil
        }
    }

    /// Where the secret starts when one of the prefixes begins at `index`.
    private static func secretValueStart(in bytes: [UInt8], at index: Int) -> Int? {
        // A prefix counts only at the start of a word, so `xsig=` or `mysharedkey ` do not match.
        if index > 0, Self.isWordByte(bytes[index - 1]) {
            return nil
        }
        for prefix in Self.secretPrefixes where index + prefix.count <= bytes.count {
            let matches = zip(bytes[index..<(index + prefix.count)], prefix).allSatisfy { Self.lowercased($0) == $1 }
            guard matches else {
                continue
            }
            var valueStart = index + prefix.count
            if prefix.last == UInt8(ascii: " ") {
                // `SharedKey account:signature`: only the part after the colon is secret.
                var colon = valueStart
                while colon < bytes.count, !Self.endsValue(bytes[colon]), bytes[colon] != UInt8(ascii: ":") {
                    colon += 1
                }
                guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else {
                    return nil
                }
                valueStart = colon + 1
            }
            return valueStart
        }
        return nil
    }

    private static func endsValue(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "&"), UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: " "), UInt8(ascii: "\t"),
            UInt8(ascii: "\n"),
            UInt8(ascii: "\r"), UInt8(ascii: "\""), UInt8(ascii: "'"):
            return true
        default:
            return false
        }
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        let lowered = Self.lowercased(byte)
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lowered)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
