//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A strict RFC 8259 parser that reads straight from UTF-8 bytes.
///
/// Every request body of the Table service goes through here, so the parser works on the byte
/// buffer without Foundation, copies a string only when it holds escapes, and validates UTF-8 as
/// it scans. Strict means: no comments, no trailing commas, no leading zeros, no single quotes,
/// no NaN literals, no raw control characters in strings, no unpaired surrogates, nothing after
/// the value. Duplicate member names are kept; what they mean is for the caller to decide.
public enum JSONParser {
    /// Parses one JSON document.
    ///
    /// A leading UTF-8 byte order mark is skipped: RFC 8259 lets parsers ignore it, and some
    /// .NET writers emit one.
    ///
    /// - Parameters:
    ///   - bytes: The document, UTF-8 encoded.
    ///   - maximumDepth: The deepest nesting of arrays and objects accepted; this bounds the
    ///     parser's recursion, so untrusted input cannot exhaust the stack.
    /// - Returns: The document's value.
    /// - Throws: ``JSONParseError`` naming the fault and its byte offset.
    public static func parse(_ bytes: [UInt8], maximumDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            var reader = Reader(buffer: buffer, maximumDepth: maximumDepth)
            return Result { () throws(JSONParseError) in try reader.parseDocument() }
        }
        return try result.get()
    }
}

/// The parser's cursor over the input.
private struct Reader {
    let buffer: UnsafeBufferPointer<UInt8>
    let maximumDepth: Int
    var position = 0
    var depth = 0

    init(buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.buffer = buffer
        self.maximumDepth = maximumDepth
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        if self.buffer.count >= 3, self.buffer[0] == 0xEF, self.buffer[1] == 0xBB, self.buffer[2] == 0xBF {
            self.position = 3
        }
        let value = try self.parseValue()
        self.skipWhiteSpace()
        guard self.position == self.buffer.count else {
            throw self.error(.trailingData, "Unexpected data after the JSON value")
        }
        return value
    }

    // MARK: Values

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        self.skipWhiteSpace()
        guard self.position < self.buffer.count else {
            throw self.error(.unexpectedEnd, "Unexpected end of input; expected a value")
        }
        switch self.buffer[self.position] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"):
            try self.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try self.parseNumber())
        default:
            throw self.unexpectedByte(expecting: "a value")
        }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try self.enterContainer()
        self.position += 1
        var members = [JSONMember]()
        self.skipWhiteSpace()
        if self.peek() == UInt8(ascii: "}") {
            self.position += 1
            self.depth -= 1
            return .object(members)
        }
        while true {
            self.skipWhiteSpace()
            guard self.position < self.buffer.count else {
                throw self.error(.unexpectedEnd, "Unexpected end of input; expected a member name")
            }
            guard self.buffer[self.position] == UInt8(ascii: "\"") else {
                throw self.unexpectedByte(expecting: "a member name in double quotes")
            }
            let name = try self.parseString()
            self.skipWhiteSpace()
            try self.expect(UInt8(ascii: ":"), "':' after a member name")
            let value = try self.parseValue()
            members.append(JSONMember(name, value))
            self.skipWhiteSpace()
            guard self.position < self.buffer.count else {
                throw self.error(.unexpectedEnd, "Unexpected end of input; expected ',' or '}'")
            }
            switch self.buffer[self.position] {
            case UInt8(ascii: ","):
                self.position += 1
            case UInt8(ascii: "}"):
                self.position += 1
                self.depth -= 1
                return .object(members)
            default:
                throw self.unexpectedByte(expecting: "',' or '}'")
            }
        }
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try self.enterContainer()
        self.position += 1
        var elements = [JSONValue]()
        self.skipWhiteSpace()
        if self.peek() == UInt8(ascii: "]") {
            self.position += 1
            self.depth -= 1
            return .array(elements)
        }
        while true {
            elements.append(try self.parseValue())
            self.skipWhiteSpace()
            guard self.position < self.buffer.count else {
                throw self.error(.unexpectedEnd, "Unexpected end of input; expected ',' or ']'")
            }
            switch self.buffer[self.position] {
            case UInt8(ascii: ","):
                self.position += 1
            case UInt8(ascii: "]"):
                self.position += 1
                self.depth -= 1
                return .array(elements)
            default:
                throw self.unexpectedByte(expecting: "',' or ']'")
            }
        }
    }

    mutating func enterContainer() throws(JSONParseError) {
        self.depth += 1
        guard self.depth <= self.maximumDepth else {
            throw self.error(.tooDeep, "Arrays and objects nested deeper than \(self.maximumDepth) levels")
        }
    }

    /// Reads `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` and returns it verbatim.
    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = self.position
        if self.peek() == UInt8(ascii: "-") { self.position += 1 }
        switch self.peek() {
        case UInt8(ascii: "0"):
            self.position += 1
            if let next = self.peek(), Self.isDigit(next) {
                throw self.error(.invalidNumber, "A number cannot have a leading zero")
            }
        case let byte? where Self.isDigit(byte):
            self.skipDigits()
        default:
            throw self.error(.invalidNumber, "Expected a digit in a number")
        }
        if self.peek() == UInt8(ascii: ".") {
            self.position += 1
            guard let byte = self.peek(), Self.isDigit(byte) else {
                throw self.error(.invalidNumber, "Expected a digit after the decimal point")
            }
            self.skipDigits()
        }
        if self.peek() == UInt8(ascii: "e") || self.peek() == UInt8(ascii: "E") {
            self.position += 1
            if self.peek() == UInt8(ascii: "+") || self.peek() == UInt8(ascii: "-") { self.position += 1 }
            guard let byte = self.peek(), Self.isDigit(byte) else {
                throw self.error(.invalidNumber, "Expected a digit in the exponent")
            }
            self.skipDigits()
        }
        return String(decoding: UnsafeBufferPointer(rebasing: self.buffer[start..<self.position]), as: UTF8.self)
    }

    mutating func skipDigits() {
        while let byte = self.peek(), Self.isDigit(byte) { self.position += 1 }
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for index in 0..<count {
            guard self.position < self.buffer.count else {
                throw self.error(.unexpectedEnd, "Unexpected end of input inside '\(literal)'")
            }
            guard self.buffer[self.position] == start[index] else {
                throw self.unexpectedByte(expecting: "'\(literal)'")
            }
            self.position += 1
        }
    }

    // MARK: Strings

    /// Reads a string starting at its opening quote.
    ///
    /// The common case, no escapes, decodes straight from the input; only escapes make a copy.
    mutating func parseString() throws(JSONParseError) -> String {
        self.position += 1
        let start = self.position
        while self.position < self.buffer.count {
            // Plain ASCII is the bulk of every body: step over it in a tight loop.
            var index = self.position
            while index < self.buffer.count, Self.isPlainStringByte(self.buffer[index]) { index += 1 }
            self.position = index
            guard index < self.buffer.count else { break }
            let byte = self.buffer[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(
                    decoding: UnsafeBufferPointer(rebasing: self.buffer[start..<self.position]), as: UTF8.self)
                self.position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                var scratch = [UInt8](UnsafeBufferPointer(rebasing: self.buffer[start..<self.position]))
                return try self.parseEscapedString(into: &scratch)
            }
            try self.skipStringByte(byte)
        }
        throw self.error(.unexpectedEnd, "Unexpected end of input inside a string")
    }

    /// Continues a string after its first backslash, collecting the decoded bytes.
    mutating func parseEscapedString(into scratch: inout [UInt8]) throws(JSONParseError) -> String {
        while self.position < self.buffer.count {
            let runStart = self.position
            while self.position < self.buffer.count, Self.isPlainStringByte(self.buffer[self.position]) {
                self.position += 1
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: self.buffer[runStart..<self.position]))
            guard self.position < self.buffer.count else { break }
            let byte = self.buffer[self.position]
            if byte == UInt8(ascii: "\"") {
                self.position += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                try self.appendEscape(into: &scratch)
                continue
            }
            let start = self.position
            try self.skipStringByte(byte)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: self.buffer[start..<self.position]))
        }
        throw self.error(.unexpectedEnd, "Unexpected end of input inside a string")
    }

    /// Printable ASCII other than `"` and `\`: string bytes needing no check beyond this.
    @inline(__always)
    static func isPlainStringByte(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// Steps over one unescaped character of a string, checking it is allowed and well-formed.
    mutating func skipStringByte(_ byte: UInt8) throws(JSONParseError) {
        if byte < 0x20 {
            throw self.error(.controlCharacter, "Unescaped control character 0x\(Self.hex(byte)) in a string")
        }
        if byte < 0x80 {
            self.position += 1
        } else {
            try self.skipUTF8Sequence()
        }
    }

    /// Validates one multi-byte UTF-8 sequence as Unicode's table 3-7 defines well-formed:
    /// no overlong forms, no encoded surrogates, nothing above U+10FFFF.
    mutating func skipUTF8Sequence() throws(JSONParseError) {
        let lead = self.buffer[self.position]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default:
            throw self.error(.invalidUTF8, "Invalid UTF-8 lead byte 0x\(Self.hex(lead))")
        }
        guard self.position + length <= self.buffer.count else {
            throw self.error(.invalidUTF8, "Truncated UTF-8 sequence")
        }
        guard secondRange.contains(self.buffer[self.position + 1]) else {
            throw self.error(.invalidUTF8, "Invalid UTF-8 sequence")
        }
        for index in 2..<length where !(0x80...0xBF).contains(self.buffer[self.position + index]) {
            throw self.error(.invalidUTF8, "Invalid UTF-8 sequence")
        }
        self.position += length
    }

    /// Decodes the escape at the cursor (a backslash) and appends its UTF-8.
    mutating func appendEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        guard self.position + 1 < self.buffer.count else {
            throw self.error(.unexpectedEnd, "Unexpected end of input inside an escape")
        }
        let escaped = self.buffer[self.position + 1]
        let simple: UInt8?
        switch escaped {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw self.error(
                .invalidEscape, "Invalid escape sequence: backslash followed by \(Self.printable(escaped))")
        }
        if let simple {
            scratch.append(simple)
            self.position += 2
            return
        }
        let escapeStart = self.position
        let first = try self.readUnicodeEscape()
        var scalarValue = UInt32(first)
        if (0xD800...0xDBFF).contains(first) {
            guard self.peek() == UInt8(ascii: "\\"), self.peek(offset: 1) == UInt8(ascii: "u") else {
                throw JSONParseError(
                    code: .unpairedSurrogate, offset: escapeStart,
                    message: "High surrogate \\u\(Self.hex16(first)) is not followed by a low surrogate")
            }
            let second = try self.readUnicodeEscape()
            guard (0xDC00...0xDFFF).contains(second) else {
                throw JSONParseError(
                    code: .unpairedSurrogate, offset: escapeStart,
                    message: "High surrogate \\u\(Self.hex16(first)) is not followed by a low surrogate")
            }
            scalarValue = 0x10000 + ((UInt32(first) - 0xD800) << 10) + (UInt32(second) - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(first) {
            throw JSONParseError(
                code: .unpairedSurrogate, offset: escapeStart,
                message: "Low surrogate \\u\(Self.hex16(first)) without a high surrogate before it")
        }
        // Surrogates are excluded above, so the value is always a scalar.
        let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
        scratch.append(contentsOf: UTF8.encode(scalar)!)
    }

    /// Reads `\uXXXX` at the cursor and returns the code unit.
    mutating func readUnicodeEscape() throws(JSONParseError) -> UInt16 {
        guard self.position + 6 <= self.buffer.count else {
            throw self.error(.unexpectedEnd, "Unexpected end of input inside a \\u escape")
        }
        var value: UInt16 = 0
        for index in 2..<6 {
            let byte = self.buffer[self.position + index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default:
                throw JSONParseError(
                    code: .invalidEscape, offset: self.position + index,
                    message: "Expected four hexadecimal digits after \\u")
            }
            value = value << 4 | UInt16(digit)
        }
        self.position += 6
        return value
    }

    // MARK: Helpers

    mutating func skipWhiteSpace() {
        while self.position < self.buffer.count {
            switch self.buffer[self.position] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                self.position += 1
            default:
                return
            }
        }
    }

    func peek(offset: Int = 0) -> UInt8? {
        let index = self.position + offset
        return index < self.buffer.count ? self.buffer[index] : nil
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONParseError) {
        guard self.position < self.buffer.count else {
            throw self.error(.unexpectedEnd, "Unexpected end of input; expected \(what)")
        }
        guard self.buffer[self.position] == byte else { throw self.unexpectedByte(expecting: what) }
        self.position += 1
    }

    func error(_ code: JSONParseError.Code, _ message: String) -> JSONParseError {
        JSONParseError(code: code, offset: self.position, message: message)
    }

    func unexpectedByte(expecting what: String) -> JSONParseError {
        let byte = self.buffer[self.position]
        return self.error(.unexpectedByte, "Unexpected \(Self.printable(byte)); expected \(what)")
    }

    /// A byte as a reader wants to see it: `'x'` when printable ASCII, else hexadecimal.
    static func printable(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(Self.hex(byte))"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    static func hex16(_ unit: UInt16) -> String {
        Self.hex(UInt8(unit >> 8)) + Self.hex(UInt8(unit & 0xFF))
    }
}
