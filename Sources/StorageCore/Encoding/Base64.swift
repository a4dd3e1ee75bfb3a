//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Standard base64 (RFC 4648 §4, with `=` padding) over byte arrays, without Foundation.
///
/// `Edm.Binary` values cross the wire as base64 on every entity read and write; going through
/// `Data` would copy each value twice more.
package enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The value of each alphabet byte, or 0xFF for bytes outside the alphabet.
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in Self.alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// Encodes bytes as padded base64 text.
    package static func encode(_ bytes: [UInt8]) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            output.append(Self.alphabet[Int(group >> 18 & 0x3F)])
            output.append(Self.alphabet[Int(group >> 12 & 0x3F)])
            output.append(Self.alphabet[Int(group >> 6 & 0x3F)])
            output.append(Self.alphabet[Int(group & 0x3F)])
            index += 3
        }
        let remaining = bytes.count - index
        if remaining > 0 {
            var group = UInt32(bytes[index]) << 16
            if remaining == 2 { group |= UInt32(bytes[index + 1]) << 8 }
            output.append(Self.alphabet[Int(group >> 18 & 0x3F)])
            output.append(Self.alphabet[Int(group >> 12 & 0x3F)])
            output.append(remaining == 2 ? Self.alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            output.append(UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded base64 text.
    ///
    /// - Returns: `nil` unless the length is a multiple of four, every character is in the
    ///   standard alphabet, and `=` appears only as one or two final padding characters. White
    ///   space is not skipped: no client puts any in an entity value.
    package static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var padding = 0
        if input.last == UInt8(ascii: "=") { padding += 1 }
        if padding == 1, input[input.count - 2] == UInt8(ascii: "=") { padding += 1 }
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4 * 3)
        var index = 0
        while index < input.count {
            let isLast = index + 4 == input.count
            var group: UInt32 = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                let value: UInt8
                if isLast && offset >= 4 - padding {
                    value = 0
                } else {
                    value = Self.decodeTable[Int(byte)]
                    guard value != 0xFF else { return nil }
                }
                group = group << 6 | UInt32(value)
            }
            output.append(UInt8(group >> 16 & 0xFF))
            if !isLast || padding < 2 { output.append(UInt8(group >> 8 & 0xFF)) }
            if !isLast || padding < 1 { output.append(UInt8(group & 0xFF)) }
            index += 4
        }
        return output
    }
}
