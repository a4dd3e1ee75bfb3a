//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A small, strict XML reader for the Queue service's bodies.
///
/// Accepts one root element with attributes, text, the five predefined entities, numeric
/// character references, CDATA sections, comments and processing instructions, after an
/// optional XML declaration and byte order mark. Rejects everything else a conforming parser
/// would reject for these documents — unbalanced tags, unknown entities, a raw `<` or `&` in
/// text, invalid UTF-8, a second root — and refuses document type declarations outright, so
/// that no entity expansion can be smuggled in. Namespaces are not interpreted: a prefixed
/// name is just a name.
public struct XMLReader: Sendable {
    /// The deepest nesting accepted; the Queue documents need four levels.
    public static let maximumDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses a whole document and returns its root element.
    ///
    /// - Throws: ``XMLReadError`` when the document is not well-formed.
    public static func parse(_ bytes: [UInt8]) throws(XMLReadError) -> XMLElementTree {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw XMLReadError(reason: "The document is not valid UTF-8.", offset: 0)
        }
        var reader = XMLReader(bytes: bytes)
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.position = 3 }
        if reader.lookingAt("<?xml") {
            try reader.skipProcessingInstruction()
        }
        try reader.skipMisc()
        guard reader.peek() == UInt8(ascii: "<") else {
            throw reader.error("The document has no root element.")
        }
        let root = try reader.readElement(depth: 1)
        try reader.skipMisc()
        guard reader.position == reader.bytes.count else {
            throw reader.error("Only one root element is allowed.")
        }
        return root
    }

    /// Parses a whole document given as text.
    ///
    /// - Throws: ``XMLReadError`` when the document is not well-formed.
    public static func parse(_ text: String) throws(XMLReadError) -> XMLElementTree {
        try Self.parse(Array(text.utf8))
    }

    // MARK: - Structure

    private mutating func readElement(depth: Int) throws(XMLReadError) -> XMLElementTree {
        guard depth <= Self.maximumDepth else { throw self.error("Elements are nested too deeply.") }
        try self.expect(UInt8(ascii: "<"))
        let name = try self.readName()
        var element = XMLElementTree(name: name)
        while true {
            let hadSpace = self.skipWhiteSpace()
            guard let byte = self.peek() else { throw self.error("The start tag of <\(name)> is not closed.") }
            if byte == UInt8(ascii: "/") {
                self.position += 1
                try self.expect(UInt8(ascii: ">"))
                return element
            }
            if byte == UInt8(ascii: ">") {
                self.position += 1
                break
            }
            guard hadSpace else { throw self.error("Attributes must be separated by white space.") }
            let attributeName = try self.readName()
            self.skipWhiteSpace()
            try self.expect(UInt8(ascii: "="))
            self.skipWhiteSpace()
            let value = try self.readAttributeValue()
            guard element.attribute(attributeName) == nil else {
                throw self.error("The attribute \(attributeName) appears twice.")
            }
            element.attributes.append(XMLAttribute(name: attributeName, value: value))
        }
        try self.readContent(into: &element, depth: depth)
        return element
    }

    private mutating func readContent(into element: inout XMLElementTree, depth: Int) throws(XMLReadError) {
        var text: [UInt8] = []
        while true {
            guard let byte = self.peek() else { throw self.error("The element <\(element.name)> is not closed.") }
            switch byte {
            case UInt8(ascii: "<"):
                if self.lookingAt("</") {
                    self.position += 2
                    let closing = try self.readName()
                    self.skipWhiteSpace()
                    try self.expect(UInt8(ascii: ">"))
                    guard closing == element.name else {
                        throw self.error("</\(closing)> does not close <\(element.name)>.")
                    }
                    element.text += String(decoding: text, as: UTF8.self)
                    return
                } else if self.lookingAt("<![CDATA[") {
                    self.position += 9
                    guard let end = self.find("]]>") else { throw self.error("A CDATA section is not closed.") }
                    text += self.bytes[self.position..<end]
                    self.position = end + 3
                } else if self.lookingAt("<!--") {
                    try self.skipComment()
                } else if self.lookingAt("<?") {
                    try self.skipProcessingInstruction()
                } else if self.lookingAt("<!") {
                    throw self.error("Declarations are not allowed inside elements.")
                } else {
                    element.children.append(try self.readElement(depth: depth + 1))
                }
            case UInt8(ascii: "&"):
                text += try self.readReference()
            case UInt8(ascii: "]") where self.lookingAt("]]>"):
                throw self.error("']]>' may not appear in text.")
            default:
                text.append(byte)
                self.position += 1
            }
        }
    }

    private mutating func readAttributeValue() throws(XMLReadError) -> String {
        guard let quote = self.peek(), quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") else {
            throw self.error("An attribute value must be quoted.")
        }
        self.position += 1
        var value: [UInt8] = []
        while true {
            guard let byte = self.peek() else { throw self.error("An attribute value is not closed.") }
            if byte == quote {
                self.position += 1
                return String(decoding: value, as: UTF8.self)
            }
            switch byte {
            case UInt8(ascii: "<"):
                throw self.error("'<' may not appear in an attribute value.")
            case UInt8(ascii: "&"):
                value += try self.readReference()
            default:
                value.append(byte)
                self.position += 1
            }
        }
    }

    /// Reads `&name;` or `&#…;` and returns the UTF-8 of the character it stands for.
    private mutating func readReference() throws(XMLReadError) -> [UInt8] {
        let start = self.position
        self.position += 1
        var body: [UInt8] = []
        while let byte = self.peek(), byte != UInt8(ascii: ";") {
            guard body.count < 12 else { break }
            body.append(byte)
            self.position += 1
        }
        guard self.peek() == UInt8(ascii: ";") else {
            self.position = start
            throw self.error("'&' must start an entity or character reference.")
        }
        self.position += 1
        let name = String(decoding: body, as: UTF8.self)
        let scalar: Unicode.Scalar?
        switch name {
        case "amp": scalar = "&"
        case "lt": scalar = "<"
        case "gt": scalar = ">"
        case "quot": scalar = "\""
        case "apos": scalar = "'"
        default:
            var value: UInt32?
            if name.hasPrefix("#x") {
                value = UInt32(name.dropFirst(2), radix: 16)
            } else if name.hasPrefix("#") {
                value = UInt32(name.dropFirst(), radix: 10)
            }
            scalar = value.flatMap(Unicode.Scalar.init).flatMap { Self.isCharacter($0) ? $0 : nil }
        }
        guard let scalar else {
            self.position = start
            throw self.error("&\(name); is not a known entity or a valid character reference.")
        }
        return Array(String(scalar).utf8)
    }

    private mutating func readName() throws(XMLReadError) -> String {
        let start = self.position
        while let byte = self.peek(), Self.isNameByte(byte, first: self.position == start) {
            self.position += 1
        }
        guard self.position > start else { throw self.error("A name is expected.") }
        return String(decoding: self.bytes[start..<self.position], as: UTF8.self)
    }

    // MARK: - Skipping

    /// Skips white space, comments and processing instructions between top-level items.
    private mutating func skipMisc() throws(XMLReadError) {
        while true {
            self.skipWhiteSpace()
            if self.lookingAt("<!--") {
                try self.skipComment()
            } else if self.lookingAt("<?") {
                try self.skipProcessingInstruction()
            } else if self.lookingAt("<!") {
                throw self.error("Document type declarations are not accepted.")
            } else {
                return
            }
        }
    }

    private mutating func skipComment() throws(XMLReadError) {
        self.position += 4
        guard let end = self.find("-->") else { throw self.error("A comment is not closed.") }
        self.position = end + 3
    }

    private mutating func skipProcessingInstruction() throws(XMLReadError) {
        self.position += 2
        guard let end = self.find("?>") else { throw self.error("A processing instruction is not closed.") }
        self.position = end + 2
    }

    @discardableResult
    private mutating func skipWhiteSpace() -> Bool {
        let start = self.position
        while let byte = self.peek(), Self.isWhiteSpace(byte) { self.position += 1 }
        return self.position > start
    }

    // MARK: - Bytes

    private func peek() -> UInt8? {
        self.position < self.bytes.count ? self.bytes[self.position] : nil
    }

    private func lookingAt(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard self.position + count <= self.bytes.count else { return false }
        return literal.withUTF8Buffer { buffer in
            for index in 0..<count where self.bytes[self.position + index] != buffer[index] {
                return false
            }
            return true
        }
    }

    /// The offset of the next occurrence of `literal` from the current position.
    private func find(_ literal: StaticString) -> Int? {
        let pattern = literal.withUTF8Buffer { Array($0) }
        guard self.bytes.count >= pattern.count else { return nil }
        var index = self.position
        while index + pattern.count <= self.bytes.count {
            if self.bytes[index] == pattern[0], Array(self.bytes[index..<index + pattern.count]) == pattern {
                return index
            }
            index += 1
        }
        return nil
    }

    private mutating func expect(_ byte: UInt8) throws(XMLReadError) {
        guard self.peek() == byte else {
            throw self.error("'\(Character(Unicode.Scalar(byte)))' is expected.")
        }
        self.position += 1
    }

    private func error(_ reason: String) -> XMLReadError {
        XMLReadError(reason: reason, offset: self.position)
    }

    private static func isWhiteSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Name characters: ASCII letters, `_`, `:` and any non-ASCII byte anywhere; digits, `-`
    /// and `.` after the first.
    private static func isNameByte(_ byte: UInt8, first: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"),
            UInt8(ascii: ":"), 0x80...0xFF:
            return true
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return !first
        default:
            return false
        }
    }

    /// Whether XML 1.0 allows the character at all (`Char` production).
    private static func isCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}
