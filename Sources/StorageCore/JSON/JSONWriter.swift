//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Writes compact JSON (no insignificant white space) as UTF-8.
///
/// Strings escape `"`, `\` and the control characters below U+0020, and nothing else: other
/// characters go out as raw UTF-8, which is the shortest valid form. Numbers are written from
/// their lexeme, so a value parsed by ``JSONParser`` is written back byte for byte as its
/// members and numbers were.
public enum JSONWriter {
    /// The document as UTF-8 bytes.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(256)
        Self.write(value, into: &output)
        return output
    }

    /// The document as text.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: Self.bytes(value), as: UTF8.self)
    }

    /// Appends the document to `output`.
    public static func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let lexeme):
            output.append(contentsOf: lexeme.utf8)
        case .string(let text):
            Self.writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                Self.writeString(member.name, into: &output)
                output.append(UInt8(ascii: ":"))
                Self.write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Appends `text` as a quoted, escaped JSON string.
    public static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        // Contiguous UTF-8 lets the common case, nothing to escape, be one bulk copy.
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in utf8.indices where Self.needsEscape(utf8[index]) {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                Self.appendEscape(utf8[index], into: &output)
                runStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            output.append(contentsOf: "u00".utf8)
            output.append(hexDigits.utf8Start[Int(byte >> 4)])
            output.append(hexDigits.utf8Start[Int(byte & 0x0F)])
        }
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
