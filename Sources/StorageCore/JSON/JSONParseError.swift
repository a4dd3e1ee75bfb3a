//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Why a byte sequence is not a JSON document, and where the parser stopped.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of fault, for callers that branch on it; the message carries the detail.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) {
            self.name = name
        }

        /// The input ended inside a value, or held no value at all.
        public static let unexpectedEnd = Code("unexpectedEnd")
        /// A byte that cannot start or continue the value being read.
        public static let unexpectedByte = Code("unexpectedByte")
        /// A string holds bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// A backslash escape that RFC 8259 does not define.
        public static let invalidEscape = Code("invalidEscape")
        /// A `\u` escape names half of a UTF-16 surrogate pair without the other half.
        public static let unpairedSurrogate = Code("unpairedSurrogate")
        /// A number that breaks the grammar: a leading zero, a bare `-`, `1.`, `.5`, `1e`.
        public static let invalidNumber = Code("invalidNumber")
        /// A raw control character (below U+0020) inside a string.
        public static let controlCharacter = Code("controlCharacter")
        /// Arrays and objects nested deeper than the parser allows.
        public static let tooDeep = Code("tooDeep")
        /// Something other than white space after the document's value.
        public static let trailingData = Code("trailingData")

        /// The code's name.
        public var description: String { self.name }
    }

    /// The kind of fault.
    public var code: Code
    /// The zero-based byte offset of the fault in the input.
    public var offset: Int
    /// What was wrong, in words.
    public var message: String

    /// Creates an error.
    public init(code: Code, offset: Int, message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// The message and the byte offset.
    public var description: String { "\(self.message) at byte offset \(self.offset)" }
}
