//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("$filter parser")
struct FilterParserTests {
    private static let born = PreciseTimestamp(iso8601: "2008-07-10T00:00:00Z")!

    private static let valid: [(String, FilterExpression)] = [
        ("PartitionKey eq 'a'", compare(property("PartitionKey"), .equal, .string("a"))),
        ("  PartitionKey   eq    'test1'  ", compare(property("PartitionKey"), .equal, .string("test1"))),
        (
            "'a' eq PartitionKey",
            .comparison(FilterComparison(.literal(.string("a")), .equal, property("PartitionKey")))
        ),
        ("A ne 1", compare(property("A"), .notEqual, .int32(1))),
        ("A gt 1", compare(property("A"), .greaterThan, .int32(1))),
        ("A ge 1", compare(property("A"), .greaterThanOrEqual, .int32(1))),
        ("A lt 1", compare(property("A"), .lessThan, .int32(1))),
        ("A le 1", compare(property("A"), .lessThanOrEqual, .int32(1))),
        (
            "A EQ 1 AND B Ne 2",
            .and(compare(property("A"), .equal, .int32(1)), compare(property("B"), .notEqual, .int32(2)))
        ),
        ("A eq 1 and B eq 2 and C eq 3", .and(.and(leafA, leafB), leafC)),
        ("A eq 1 or B eq 2 or C eq 3", .or(.or(leafA, leafB), leafC)),
        ("A eq 1 or B eq 2 and C eq 3", .or(leafA, .and(leafB, leafC))),
        ("A eq 1 and B eq 2 or C eq 3", .or(.and(leafA, leafB), leafC)),
        ("A eq 1 and (B eq 2 or C eq 3)", .and(leafA, .or(leafB, leafC))),
        ("A eq 1 or (B eq 2 or C eq 3)", .or(leafA, .or(leafB, leafC))),
        ("(((A eq 1)))", leafA),
        ("(A eq 1)or(B eq 2)", .or(leafA, leafB)),
        (
            "(PartitionKey eq '')or(BoolField eq false)",
            .or(
                compare(property("PartitionKey"), .equal, .string("")),
                compare(property("BoolField"), .equal, .boolean(false)))
        ),
        ("not A eq 1", .not(leafA)),
        ("NOT (A eq 1) and B eq 2", .and(.not(leafA), leafB)),
        ("not (A eq 1 or B eq 2)", .not(.or(leafA, leafB))),
        ("not not IsActive", .not(.not(.operand(property("IsActive"))))),
        ("IsActive", .operand(property("IsActive"))),
        ("not IsActive or A eq 1", .or(.not(.operand(property("IsActive"))), leafA)),
        ("false", .operand(.literal(.boolean(false)))),
        ("(TRUE)", .operand(.literal(.boolean(true)))),
        ("true and A eq 1", .and(.operand(.literal(.boolean(true))), leafA)),
        ("1 eq 1", .comparison(FilterComparison(.literal(.int32(1)), .equal, .literal(.int32(1))))),
        ("_my_Prop1 eq 1", compare(property("_my_Prop1"), .equal, .int32(1))),
        ("Größe eq 1", compare(property("Größe"), .equal, .int32(1))),
        ("Name eq 'it''s'", compare(property("Name"), .equal, .string("it's"))),
        ("Name eq ''''", compare(property("Name"), .equal, .string("'"))),
        ("Name eq ''''''", compare(property("Name"), .equal, .string("''"))),
        ("Name eq 'a\"b'", compare(property("Name"), .equal, .string("a\"b"))),
        ("Name eq ' and ( or '", compare(property("Name"), .equal, .string(" and ( or "))),
        ("Name eq 'line\nbreak ☃ 😀'", compare(property("Name"), .equal, .string("line\nbreak ☃ 😀"))),
        ("N eq -5", compare(property("N"), .equal, .int32(-5))),
        ("N eq 007", compare(property("N"), .equal, .int32(7))),
        ("N eq 2147483647", compare(property("N"), .equal, .int32(.max))),
        ("N eq -2147483648", compare(property("N"), .equal, .int32(.min))),
        ("N eq 123L", compare(property("N"), .equal, .int64(123))),
        ("N eq 2147483648l", compare(property("N"), .equal, .int64(2_147_483_648))),
        ("N eq -9223372036854775808L", compare(property("N"), .equal, .int64(.min))),
        ("N eq 1.5", compare(property("N"), .equal, .double(1.5))),
        ("N eq -0.25", compare(property("N"), .equal, .double(-0.25))),
        ("N eq 2.0", compare(property("N"), .equal, .double(2))),
        ("N eq 1e10", compare(property("N"), .equal, .double(1e10))),
        ("N eq 1E+10", compare(property("N"), .equal, .double(1e10))),
        ("N eq 1.5e-3", compare(property("N"), .equal, .double(0.0015))),
        ("N eq INF", compare(property("N"), .equal, .double(.infinity))),
        ("N eq -INF", compare(property("N"), .equal, .double(-.infinity))),
        ("D eq datetime'2008-07-10T00:00:00Z'", compare(property("D"), .equal, .dateTime(born))),
        ("D eq DateTime'2008-07-10T02:30:00+02:30'", compare(property("D"), .equal, .dateTime(born))),
        ("D eq datetime'2008-07-09T22:00:00-02:00'", compare(property("D"), .equal, .dateTime(born))),
        ("D eq datetime'2008-07-10T00:00'", compare(property("D"), .equal, .dateTime(born))),
        ("D eq datetime'2008-07-10T00:00:00'", compare(property("D"), .equal, .dateTime(born))),
        (
            "D eq datetime'2008-07-10T00:00:00.1234567Z'",
            compare(
                property("D"), .equal, .dateTime(PreciseTimestamp(ticksSinceEpoch: born.ticksSinceEpoch + 1_234_567)))
        ),
        (
            "D eq datetime'2008-07-10T00:00:00.5Z'",
            compare(
                property("D"), .equal, .dateTime(PreciseTimestamp(ticksSinceEpoch: born.ticksSinceEpoch + 5_000_000)))
        ),
        (
            "G eq guid'A455C695-DF98-5678-AAAA-81D3367E5A34'",
            compare(property("G"), .equal, .guid("a455c695-df98-5678-aaaa-81d3367e5a34"))
        ),
        (
            "G eq GUID'a455c695-df98-5678-aaaa-81d3367e5a34'",
            compare(property("G"), .equal, .guid("a455c695-df98-5678-aaaa-81d3367e5a34"))
        ),
        ("B eq X'0A0b'", compare(property("B"), .equal, .binary([0x0A, 0x0B]))),
        ("B eq x'FF'", compare(property("B"), .equal, .binary([0xFF]))),
        ("B eq binary'0A0B'", compare(property("B"), .equal, .binary([0x0A, 0x0B]))),
        ("B eq X''", compare(property("B"), .equal, .binary([]))),
        ("X eq 1", compare(property("X"), .equal, .int32(1))),
        ("datetime eq 1", compare(property("datetime"), .equal, .int32(1))),
        ("Flag eq TRUE", compare(property("Flag"), .equal, .boolean(true))),
    ]

    @Test("parses valid filters into the expected tree", arguments: Self.valid.indices)
    func parsesValidFilters(index: Int) throws {
        let (text, expected) = Self.valid[index]
        #expect(try FilterExpression.parse(text) == expected, "\(text)")
    }

    @Test("reads NaN as a Double literal")
    func parsesNaN() throws {
        let expression = try FilterExpression.parse("N eq NaN")
        guard case .comparison(let comparison) = expression, case .literal(.double(let value)) = comparison.right else {
            Issue.record("unexpected tree \(expression)")
            return
        }
        #expect(value.isNaN)
    }

    private static let invalid: [String] = [
        "", "   ", "(", ")", "A eq 1)", "(A eq 1", "()", "A eq 1 and ()", "not ()", "not",
        "A eq", "eq 1", "A eq 1 and", "and A eq 1", "A eq 1 or or B eq 2", "A eq 1 and (B eq 2",
        "A eq 1 B eq 2", "A eq 1 eq 2", "A == 1", "A = 1", "A eq \"x\"", "A eq 'unterminated", "A eq 'a''",
        "A eq 1.5L", "A eq 2147483648", "A eq -2147483649", "A eq 9223372036854775808L", "A eq 1.", "A eq .5",
        "A eq 1e", "A eq 1e+", "A eq 12abc", "A eq 1M", "A eq 1.5d", "A eq 1f", "A eq 1e400", "A eq -",
        "A eq +5", "A eq 1 - 1", "A add 1 eq 2", "A has 1", "A eq B", "A eq null", "startswith(A, 'x')",
        "A eq datetime'2008-07-10'", "A eq datetime'2008-13-10T00:00:00Z'", "A eq datetime'2008-02-30T00:00:00Z'",
        "A eq datetime'2008-07-10T24:00:00Z'", "A eq datetime'2008-07-10T00:00:00.12345678Z'",
        "A eq datetime'2008-07-10T00:00:00.Z'", "A eq datetime'2008-07-10 00:00:00Z'",
        "A eq datetime'2008-07-10T00:00:00Q'",
        "A eq datetime'2008-07-10T00:00:00Z", "A eq guid'xyz'", "A eq guid'a455c695df985678aaaa81d3367e5a34'",
        "A eq X'ABC'", "A eq X'GG'", "A eq binary'0A 0B'", "A eq time'10:00'",
        "A eq datetimeoffset'2008-07-10T00:00:00Z'",
        "'a'", "5", "'a' and A eq 1", "A eq 1 and 5", "A eq 1 $ B", "A eq 1;", "A eq 1 &&", "A eq [1]", "A.B eq 1",
        "A/B eq 1", "A-B eq 1", "A eq 1 not", "A not eq 1", "Name eq 'x' or", "A eq 1 ) (",
    ]

    @Test("rejects malformed filters with 400 InvalidInput", arguments: Self.invalid)
    func rejectsMalformedFilters(text: String) {
        Self.expectInvalid(text)
    }

    @Test("rejects more than 15 comparisons and accepts 15")
    func limitsComparisons() throws {
        let fifteen = (0..<15).map { "P\($0) eq \($0)" }.joined(separator: " and ")
        _ = try FilterExpression.parse(fifteen)
        Self.expectInvalid(fifteen + " or P15 eq 15")
        Self.expectInvalid(fifteen + " and IsActive")
        Self.expectInvalid((0..<16).map { "(P\($0) eq \($0))" }.joined(separator: " or "))
    }

    @Test("caps nesting at 100 levels without exhausting the stack")
    func capsNesting() throws {
        let hundred = String(repeating: "(", count: 100) + "A eq 1" + String(repeating: ")", count: 100)
        #expect(try FilterExpression.parse(hundred) == leafA)
        Self.expectInvalid(String(repeating: "(", count: 101) + "A eq 1" + String(repeating: ")", count: 101))
        Self.expectInvalid(String(repeating: "(", count: 10_000))
        Self.expectInvalid(String(repeating: "(", count: 10_000) + "A eq 1" + String(repeating: ")", count: 10_000))
        Self.expectInvalid(String(repeating: "not ", count: 10_000) + "A eq 1")
        Self.expectInvalid(String(repeating: "A eq 1 and ", count: 10_000) + "A eq 1")
        _ = try FilterExpression.parse(String(repeating: "not ", count: 100) + "A eq 1")
    }

    @Test("names the position and the problem in the message")
    func reportsPosition() {
        Self.expectInvalid("A eq 1 and", containing: ["position 10", "the end of the filter"])
        Self.expectInvalid("A eq 2147483648", containing: ["position 5", "Int32", "suffix L"])
        Self.expectInvalid("A eq \"x\"", containing: ["position 5", "'"])
        Self.expectInvalid("(A eq 1", containing: ["position 7", "')'"])
        Self.expectInvalid("A eq B", containing: ["another property"])
        Self.expectInvalid("A eq '" + String(repeating: "x", count: 5_000) + "' B", containing: ["position 5008"])
    }

    @Test("error messages stay short for huge hostile literals")
    func boundsMessageSize() {
        do {
            _ = try FilterExpression.parse("A eq guid'" + String(repeating: "z", count: 100_000) + "'")
            Issue.record("parsed")
        } catch {
            #expect(error.message.count < 400)
        }
    }

    @Test("treats an absent, empty or blank $filter as no filter")
    func parsesOptionalFilter() throws {
        #expect(try FilterExpression.parseOptional(nil) == nil)
        #expect(try FilterExpression.parseOptional("") == nil)
        #expect(try FilterExpression.parseOptional(" \t\n ") == nil)
        #expect(try FilterExpression.parseOptional("true") == .operand(.literal(.boolean(true))))
        #expect(throws: StorageError.self) { try FilterExpression.parseOptional("A eq") }
    }

    @Test("lists the properties a filter refers to")
    func listsPropertyNames() throws {
        let expression = try FilterExpression.parse("TableName eq 'a' or not (Other gt 1 and true) or Flag")
        #expect(expression.propertyNames == ["TableName", "Other", "Flag"])
    }

    private static func expectInvalid(
        _ text: String, containing fragments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let expression = try FilterExpression.parse(text)
            Issue.record("parsed \(text.prefix(80)) as \(expression)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.status == 400, sourceLocation: sourceLocation)
            #expect(error.code == .invalidInput, sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
            }
        }
    }
}

private let leafA = compare(property("A"), .equal, .int32(1))
private let leafB = compare(property("B"), .equal, .int32(2))
private let leafC = compare(property("C"), .equal, .int32(3))

private func property(_ name: String) -> FilterOperand {
    .property(name)
}

private func compare(_ left: FilterOperand, _ comparisonOperator: FilterComparisonOperator, _ right: EdmValue)
    -> FilterExpression
{
    .comparison(FilterComparison(left, comparisonOperator, .literal(right)))
}
