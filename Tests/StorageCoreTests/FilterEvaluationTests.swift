//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("$filter evaluation")
struct FilterEvaluationTests {
    private static let born = PreciseTimestamp(iso8601: "2008-07-10T00:00:00.1234567Z")!

    private static let entity: [String: EdmValue] = [
        "PartitionKey": .string("pk"),
        "RowKey": .string("rk"),
        "Timestamp": .dateTime(PreciseTimestamp(iso8601: "2024-01-01T00:00:00Z")!),
        "Name": .string("Ann"),
        "Age": .int32(30),
        "Big": .int64(5_000_000_000),
        "Score": .double(1.5),
        "NotANumber": .double(.nan),
        "Active": .boolean(true),
        "Off": .boolean(false),
        "Born": .dateTime(born),
        "Id": .guid("a455c695-df98-5678-aaaa-81d3367e5a34"),
        "Blob": .binary([0x01, 0x02]),
        "Empty": .string(""),
    ]

    private static let truthTable: [(String, Bool)] = [
        // Typed comparisons: a literal widens to the property's type (Int32 to Int64 or Double,
        // Int64 to Double) but never narrows, so an Int32 property ignores Int64 and Double literals.
        ("Age eq 30", true), ("Age eq 30L", false), ("Age ne 30L", false), ("Age eq 30.0", false),
        ("Age gt 29", true), ("Age ge 30", true), ("Age lt 30", false), ("Age le 30", true), ("Age ne 30", false),
        ("Big eq 5000000000L", true), ("Big gt 1", true), ("Big gt 1L", true), ("Big ne 1", true),
        ("Score eq 1.5", true), ("Score gt 1", true), ("Score gt 1.0", true), ("Score lt 1e1", true),
        ("Age eq '30'", false), ("Name eq 3", false), ("PartitionKey eq 5", false),
        // Missing properties: false for every operator, and under `not`.
        ("Missing eq 1", false), ("Missing ne 1", false), ("Missing gt ''", false), ("Missing lt ''", false),
        ("not (Missing eq 1)", false), ("not (Missing ne 1)", false), ("not not (Missing eq 1)", false),
        ("Missing", false), ("not Missing", false),
        ("not (Age eq 31)", true), ("not (Age eq 30)", false), ("not (Age gt 30)", true),
        ("not (Age eq 31 or Missing eq 1)", false), ("not (Age eq 31 and Missing eq 1)", true),
        ("not (Age eq 30 and Missing eq 1)", false), ("Age eq 30 or Missing eq 1", true),
        ("not (Age eq 30L)", false),
        // Booleans, alone and compared (false < true).
        ("Active", true), ("not Active", false), ("Off", false), ("not Off", true), ("not not Active", true),
        ("Name", false), ("not Name", false), ("Active eq true", true), ("Active ne false", true),
        ("Active gt false", true), ("Off lt true", true), ("Off ge true", false), ("Active eq 1", false),
        // Strings: ordinal and case-sensitive, literal on either side.
        ("Name eq 'Ann'", true), ("Name eq 'ann'", false), ("Name gt 'A'", true), ("Name lt 'B'", true),
        ("Name lt 'Ann'", false), ("Name le 'Ann'", true), ("Name gt 'Anna'", false), ("Name lt 'Anna'", true),
        ("'Ann' eq Name", true), ("'B' gt Name", true), ("'B' lt Name", false), ("Empty eq ''", true),
        ("Empty lt 'a'", true), ("Name ne ''", true),
        ("PartitionKey eq 'pk' and RowKey eq 'rk'", true), ("PartitionKey eq 'pk' and RowKey eq 'x'", false),
        ("PartitionKey eq 'x' or RowKey eq 'rk'", true),
        // Date-times at 100 ns precision.
        ("Born eq datetime'2008-07-10T00:00:00.1234567Z'", true),
        ("Born eq datetime'2008-07-10T00:00:00.123456Z'", false),
        ("Born gt datetime'2008-07-10T00:00:00.1234566Z'", true),
        ("Born lt datetime'2008-07-10T00:00:00.1234568Z'", true),
        ("Born eq datetime'2008-07-10T02:00:00.1234567+02:00'", true),
        ("Timestamp ge datetime'2024-01-01T00:00:00Z'", true), ("Timestamp gt datetime'2024-01-01T00:00:00Z'", false),
        ("Born eq '2008-07-10T00:00:00.1234567Z'", false),
        // GUIDs: either case in the literal; never equal to a string.
        ("Id eq guid'A455C695-DF98-5678-AAAA-81D3367E5A34'", true),
        ("Id gt guid'00000000-0000-0000-0000-000000000000'", true),
        ("Id lt guid'b0000000-0000-0000-0000-000000000000'", true),
        ("Id eq 'a455c695-df98-5678-aaaa-81d3367e5a34'", false),
        // Binary: bytewise, a prefix sorts first.
        ("Blob eq X'0102'", true), ("Blob eq binary'0102'", true), ("Blob gt X'01'", true), ("Blob lt X'0103'", true),
        ("Blob lt X'02'", true), ("Blob gt X''", true), ("Blob eq '0102'", false),
        // Doubles order as Double.CompareTo: NaN equals NaN and is lowest.
        ("NotANumber eq NaN", true), ("NotANumber ne NaN", false), ("NotANumber lt -INF", true),
        ("Score gt NaN", true), ("Score lt INF", true), ("not (NotANumber lt 0.0)", false),
        // Constant filters.
        ("true", true), ("false", false), ("not false", true), ("1 eq 1", true), ("1 eq 1L", false),
        ("'a' lt 'b'", true), ("true or Missing eq 1", true), ("false and Age eq 30", false),
    ]

    @Test("follows Azure's truth table", arguments: Self.truthTable.indices)
    func followsTruthTable(index: Int) throws {
        let (text, expected) = Self.truthTable[index]
        #expect(try FilterExpression.parse(text).matches { Self.entity[$0] } == expected, "\(text)")
    }

    @Test("orders strings by UTF-16 code units, not as Swift's String does")
    func ordersStringsOrdinally() throws {
        let replacement = "\u{FFFD}"
        let emoji = "😀"  // U+1F600, UTF-16 D83D DE00
        #expect(!(replacement > emoji), "Swift orders by scalar")
        #expect(try Self.matches("Name gt '😀'", ["Name": .string(replacement)]))
        #expect(try Self.matches("Name lt '\u{FFFD}'", ["Name": .string(emoji)]))
        #expect(try Self.matches("Name lt '\u{E000}'", ["Name": .string(emoji)]))
        #expect(try !Self.matches("Name lt '\u{D7FF}'", ["Name": .string(emoji)]))
        #expect(try Self.matches("Name gt '\u{FFFF}'", ["Name": .string("\u{FFFF}a")]))
        // Canonically equivalent but different code units: not equal, as in .NET.
        #expect("e\u{301}" == "é", "Swift compares by canonical equivalence")
        #expect(try !Self.matches("Name eq 'é'", ["Name": .string("e\u{301}")]))
        #expect(try Self.matches("Name ne 'é'", ["Name": .string("e\u{301}")]))
        #expect(try Self.matches("Name lt 'é'", ["Name": .string("e\u{301}")]))
        // Surrogate pairs against each other compare by code unit too.
        #expect(try Self.matches("Name lt '\u{10FFFF}'", ["Name": .string("\u{10000}")]))
        #expect(try Self.matches("Name gt '😀'", ["Name": .string("😀\u{0}")]))
    }

    @Test("filters Query Tables on TableName only")
    func filtersTables() throws {
        let filter = try FilterExpression.parse("TableName ge 'b' and TableName lt 'c'")
        #expect(filter.matches(tableName: "build"))
        #expect(!filter.matches(tableName: "alpha"))
        #expect(!filter.matches(tableName: "c"))
        #expect(try !FilterExpression.parse("Name eq 'build'").matches(tableName: "build"))
        #expect(try !FilterExpression.parse("not (Name eq 'x')").matches(tableName: "build"))
    }

    @Test("`not` never makes a filter and its negation both match")
    func negationIsConsistent() throws {
        var generator = FilterSeededGenerator(seed: 7)
        // Leaves whose properties exist with the compared type, and leaves whose do not.
        let defined = [
            "Age eq 30", "Active", "Off", "Name lt 'B'", "Score ge 1.5", "Born lt datetime'2009-01-01T00:00:00Z'",
            "true", "false", "Blob gt X'01'", "Big gt 1L",
        ]
        let undefined = ["Missing eq 1", "Age eq 1.0", "Big gt 29", "Name", "not Missing"]
        for _ in 0..<2_000 {
            var pieces = [String]()
            var allDefined = true
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let useDefined = Int.random(in: 0..<4, using: &generator) > 0
                allDefined = allDefined && useDefined
                let leaf = (useDefined ? defined : undefined).randomElement(using: &generator)!
                pieces.append(Bool.random(using: &generator) ? "not (" + leaf + ")" : leaf)
            }
            var text = pieces[0]
            for piece in pieces.dropFirst() {
                text = "(" + text + (Bool.random(using: &generator) ? ") and " : ") or ") + piece
            }
            let filter = try FilterExpression.parse(text)
            let negation = FilterExpression.not(filter)
            let lookup: (String) -> EdmValue? = { Self.entity[$0] }
            #expect(!(filter.matches(lookup) && negation.matches(lookup)), "\(text)")
            if allDefined {
                // With every property present and of the compared type, `not` is plain negation.
                #expect(filter.matches(lookup) != negation.matches(lookup), "\(text)")
            }
        }
    }

    private static func matches(_ text: String, _ properties: [String: EdmValue]) throws -> Bool {
        try FilterExpression.parse(text).matches { properties[$0] }
    }
}

/// A small deterministic generator, so a failing case can be replayed.
struct FilterSeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        self.state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var value = self.state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
