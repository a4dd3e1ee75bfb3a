//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("JSON parser and writer")
struct JSONTests {
    private static func parse(_ text: String, maximumDepth: Int = 64) throws(JSONParseError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8), maximumDepth: maximumDepth)
    }

    private static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test(
        "accepts valid documents",
        arguments: [
            ("{}", JSONValue.object([])),
            ("[]", .array([])),
            (" \t\r\n5 \n", .number("5")),
            ("-0", .number("-0")),
            ("true", .bool(true)),
            ("null", .null),
            (
                #"{"a" : [1, -0.5, 1e10, -1.5E-3, 2e+2, true, false, null]}"#,
                .object([
                    JSONMember(
                        "a",
                        .array([
                            .number("1"), .number("-0.5"), .number("1e10"), .number("-1.5E-3"), .number("2e+2"),
                            .bool(true), .bool(false), .null,
                        ]))
                ])
            ),
            (#"{"a":1,"a":2}"#, .object([JSONMember("a", .number("1")), JSONMember("a", .number("2"))])),
            (#"{"z":1,"a":2}"#, .object([JSONMember("z", .number("1")), JSONMember("a", .number("2"))])),
            ("123456789012345678901234567890", .number("123456789012345678901234567890")),
            ("1e400", .number("1e400")),
            ("5.0", .number("5.0")),
            (#""a\"b\\c\/d\b\f\n\r\t""#, .string("a\"b\\c/d\u{8}\u{C}\n\r\t")),
            (#""\u00e9\u00C9""#, .string("éÉ")),
            (#""\ud83d\ude00""#, .string("😀")),
            (#""\u0000""#, .string("\u{0}")),
            ("\"héllo wörld 😀 日本\"", .string("héllo wörld 😀 日本")),
            ("\u{FEFF}[1]", .array([.number("1")])),
        ])
    func acceptsValidDocuments(text: String, expected: JSONValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test(
        "rejects invalid documents",
        arguments: [
            ("", JSONParseError.Code.unexpectedEnd),
            ("   ", .unexpectedEnd),
            ("{", .unexpectedEnd),
            ("[1", .unexpectedEnd),
            (#"{"a""#, .unexpectedEnd),
            (#""abc"#, .unexpectedEnd),
            ("tru", .unexpectedEnd),
            ("[1,]", .unexpectedByte),
            (#"{"a":1,}"#, .unexpectedByte),
            ("[,1]", .unexpectedByte),
            (#"{"a" 1}"#, .unexpectedByte),
            ("{a:1}", .unexpectedByte),
            ("{'a':1}", .unexpectedByte),
            ("True", .unexpectedByte),
            ("NaN", .unexpectedByte),
            ("Infinity", .unexpectedByte),
            ("+1", .unexpectedByte),
            (".5", .unexpectedByte),
            ("/* c */ 1", .unexpectedByte),
            ("01", .invalidNumber),
            ("-01", .invalidNumber),
            ("-", .invalidNumber),
            ("-a", .invalidNumber),
            ("1.", .invalidNumber),
            ("1.e5", .invalidNumber),
            ("1e", .invalidNumber),
            ("1e+", .invalidNumber),
            (#""\x""#, .invalidEscape),
            (#""\'""#, .invalidEscape),
            (#""\u12zz""#, .invalidEscape),
            (#""\ud800""#, .unpairedSurrogate),
            (#""\udc00""#, .unpairedSurrogate),
            (#""\ud800\u0041""#, .unpairedSurrogate),
            (#""\ud800x""#, .unpairedSurrogate),
            ("\"a\u{1}b\"", .controlCharacter),
            ("\"line\nbreak\"", .controlCharacter),
            ("\"tab\there\"", .controlCharacter),
            ("{} x", .trailingData),
            ("1 2", .trailingData),
            ("[1]]", .trailingData),
            (Self.nested(65), .tooDeep),
        ])
    func rejectsInvalidDocuments(text: String, code: JSONParseError.Code) {
        let error = #expect(throws: JSONParseError.self) { try Self.parse(text) }
        #expect(error?.code == code)
    }

    @Test(
        "rejects malformed UTF-8",
        arguments: [
            [0x22, 0xC3, 0x28, 0x22],  // bad continuation byte
            [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
            [0x22, 0xE0, 0x80, 0xAF, 0x22],  // overlong three-byte form
            [0x22, 0xED, 0xA0, 0x80, 0x22],  // an encoded surrogate, U+D800
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22],  // invalid lead byte
            [0x22, 0x80, 0x22],  // lone continuation byte
            [0x22, 0xE2, 0x82],  // truncated at the end of input
        ] as [[UInt8]])
    func rejectsMalformedUTF8(bytes: [UInt8]) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        #expect(error?.code == .invalidUTF8)
    }

    @Test("rejects non-ASCII bytes outside strings")
    func rejectsBytesOutsideStrings() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse([0x5B, 0xC3, 0xA9, 0x5D]) }
        #expect(error?.code == .unexpectedByte)
    }

    @Test("limits nesting depth to the maximum given")
    func limitsDepth() throws {
        #expect(try Self.parse(Self.nested(64)) != .null)
        #expect(throws: JSONParseError.self) { try Self.parse(Self.nested(3), maximumDepth: 2) }
        #expect(try Self.parse(Self.nested(2), maximumDepth: 2) == .array([.array([])]))
        let deepObject = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONParseError.self) { try Self.parse(deepObject) }
        // Far beyond any stack: the limit stops the recursion long before.
        #expect(throws: JSONParseError.self) { try Self.parse(Self.nested(1_000_000)) }
    }

    @Test("reports the byte offset and a clear message")
    func reportsOffsets() throws {
        let error = try #require(throws: JSONParseError.self) { try Self.parse("[1,]") }
        #expect(error.offset == 3)
        #expect(error.description == "Unexpected ']'; expected a value at byte offset 3")
        let escape = try #require(throws: JSONParseError.self) { try Self.parse(#"["ok", "\q"]"#) }
        #expect(escape.offset == 8)
        #expect(escape.message.contains("'q'"))
        let surrogate = try #require(throws: JSONParseError.self) { try Self.parse(#""ab\udc00""#) }
        #expect(surrogate.offset == 3)
    }

    @Test(
        "writes parsed documents back byte for byte",
        arguments: [
            #"{"odata.metadata":"x","value":[{"a":5,"b":5.0,"c":-0.0,"d":1e300,"e":"\u0001"}]}"#,
            #"{"z":1,"a":2,"z":3}"#,
            #"[null,true,false,"",[],{}]"#,
            #""quote \" backslash \\ newline \n tab \t""#,
            #"123456789012345678901234567890"#,
            "\"héllo 😀\"",
        ])
    func writesBack(text: String) throws {
        let value = try Self.parse(text)
        #expect(JSONWriter.string(value) == text)
        #expect(JSONWriter.bytes(value) == Array(text.utf8))
    }

    @Test("escapes only quotes, backslashes and control characters")
    func escapesStrings() throws {
        let text = "\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F} \"\\/é😀\u{7F}"
        let written = JSONWriter.string(.string(text))
        #expect(written == #""\u0000\u0001\b\t\n\f\r\u001f \"\\/é😀"# + "\u{7F}\"")
        #expect(try Self.parse(written) == .string(text))
    }

    @Test("makes numbers from integers and doubles")
    func numberHelpers() {
        #expect(JSONValue.number(5) == .number("5"))
        #expect(JSONValue.number(-9_223_372_036_854_775_807 - 1) == .number("-9223372036854775808"))
        #expect(JSONValue.number(5.0) == .number("5.0"))
        #expect(JSONValue.number(0.1) == .number("0.1"))
        #expect(JSONValue.number(-0.0) == .number("-0.0"))
        #expect(JSONValue.number(1e300) == .number("1e+300"))
        #expect(JSONValue.number(Double.nan) == .string("NaN"))
        #expect(JSONValue.number(-Double.infinity) == .string("-Infinity"))
    }

    @Test("reads members and scalars")
    func accessors() throws {
        let value = try Self.parse(#"{"a":"x","n":1.5,"l":[1],"o":{}}"#)
        #expect(value["a"]?.stringValue == "x")
        #expect(value["n"]?.numberLexeme == "1.5")
        #expect(value["l"]?.arrayValue == [.number("1")])
        #expect(value["o"]?.objectMembers == [])
        #expect(value["missing"] == nil)
        #expect(value.objectMembers?.map(\.name) == ["a", "n", "l", "o"])
    }
}
