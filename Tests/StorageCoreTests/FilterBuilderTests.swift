//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("$filter builder and literals")
struct FilterBuilderTests {
    private static let hostile = [
        "'", "''", "'''", "%", "%27", "\n", "\r\n", "\t", "naïve ☃ 😀", "' or 1 eq 1 or '", "x' or 'a' eq 'a",
        "a'b", "", " ", "\u{0}", "\"", "\"\"", "(", ") or (true", "&$filter=x", "not", "and", "e\u{301}", "\u{FFFF}",
        "\u{10FFFF}", String(repeating: "'", count: 100),
    ]

    @Test("hostile strings stay one string literal", arguments: Self.hostile)
    func quotesHostileStrings(value: String) throws {
        let filter = TableFilter.equal("PartitionKey", .string(value))
        let parsed = try FilterExpression.parse(filter.description)
        #expect(parsed == .comparison(FilterComparison(.property("PartitionKey"), .equal, .literal(.string(value)))))
        #expect(parsed.matches { $0 == "PartitionKey" ? .string(value) : nil })
        #expect(!parsed.matches { $0 == "PartitionKey" ? .string(value + "x") : nil })
        let combined = TableFilter.and(filter, .equal("RowKey", .string(value)), .not(.equal("Name", .string(value))))
        #expect(try FilterExpression.parse(combined.description) == combined.expression)
    }

    private static let literals: [(EdmValue, String)] = [
        (.string("it's"), "'it''s'"),
        (.string(""), "''"),
        (.int32(-5), "-5"),
        (.int32(.min), "-2147483648"),
        (.int64(5), "5L"),
        (.int64(.min), "-9223372036854775808L"),
        (.double(2), "2.0"),
        (.double(-0.5), "-0.5"),
        (.double(1e20), "1e+20"),
        (.double(0.00001), "1e-05"),
        (.double(.infinity), "INF"),
        (.double(-.infinity), "-INF"),
        (.boolean(true), "true"),
        (.boolean(false), "false"),
        (.dateTime(PreciseTimestamp(iso8601: "1973-10-04T00:00:00Z")!), "datetime'1973-10-04T00:00:00Z'"),
        (
            .dateTime(PreciseTimestamp(iso8601: "2021-09-21T00:53:10.3976998Z")!),
            "datetime'2021-09-21T00:53:10.3976998Z'"
        ),
        (.dateTime(PreciseTimestamp(iso8601: "2021-09-21T00:53:10.5000000Z")!), "datetime'2021-09-21T00:53:10.5Z'"),
        (.guid("a455c695-df98-5678-aaaa-81d3367e5a34"), "guid'a455c695-df98-5678-aaaa-81d3367e5a34'"),
        (.binary([0x0A, 0x0B, 0xFF]), "X'0A0BFF'"),
        (.binary([]), "X''"),
    ]

    @Test("formats each literal type and parses it back", arguments: Self.literals.indices)
    func formatsLiterals(index: Int) throws {
        let (value, text) = Self.literals[index]
        #expect(FilterLiteral.format(value) == text)
        let filter = TableFilter.greaterThanOrEqual("Value", value)
        #expect(filter.description == "Value ge " + text)
        #expect(try FilterExpression.parse(filter.description) == filter.expression)
    }

    @Test("writes NaN as the OData keyword")
    func formatsNaN() throws {
        let filter = TableFilter.equal("Value", .double(.nan))
        #expect(filter.description == "Value eq NaN")
        #expect(try FilterExpression.parse(filter.description).description == filter.description)
    }

    @Test("every finite Double reads back bit for bit, always as a Double")
    func roundTripsDoubles() throws {
        var generator = FilterSeededGenerator(seed: 3)
        var values: [Double] = [
            0, -0.0, 1, -1, .pi, .ulpOfOne, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e16, 123_456_789,
        ]
        for _ in 0..<2_000 {
            let value = Double(bitPattern: generator.next())
            if value.isFinite { values.append(value) }
        }
        for value in values {
            let expression = try FilterExpression.parse(TableFilter.equal("D", .double(value)).description)
            guard case .comparison(let comparison) = expression, case .literal(.double(let parsed)) = comparison.right
            else {
                Issue.record("\(value) did not read back as a Double: \(expression)")
                continue
            }
            #expect(parsed.bitPattern == value.bitPattern, "\(value)")
        }
    }

    @Test("prints the operators and nesting so that parsing gives the same tree")
    func printsStructure() throws {
        let a = TableFilter.equal("A", .int32(1))
        let b = TableFilter.notEqual("B", .int64(2))
        let c = TableFilter.lessThan("C", .string("c"))
        let cases: [(TableFilter, String)] = [
            (.and(a, b, c), "A eq 1 and B ne 2L and C lt 'c'"),
            (.or(a, b, c), "A eq 1 or B ne 2L or C lt 'c'"),
            (.and(a, .or(b, c)), "A eq 1 and (B ne 2L or C lt 'c')"),
            (.or(a, .and(b, c)), "A eq 1 or B ne 2L and C lt 'c'"),
            (.or(.and(a, b), c), "A eq 1 and B ne 2L or C lt 'c'"),
            (.and(.or(a, b), c), "(A eq 1 or B ne 2L) and C lt 'c'"),
            (TableFilter(.and(a.expression, .and(b.expression, c.expression))), "A eq 1 and (B ne 2L and C lt 'c')"),
            (TableFilter(.or(a.expression, .or(b.expression, c.expression))), "A eq 1 or (B ne 2L or C lt 'c')"),
            (.not(a), "not (A eq 1)"),
            (.not(.not(a)), "not (not (A eq 1))"),
            (.and(.not(.or(a, b)), c), "not (A eq 1 or B ne 2L) and C lt 'c'"),
            (TableFilter(.not(.operand(.property("IsActive")))), "not IsActive"),
            (.greaterThan("G", .int32(1)), "G gt 1"),
            (.lessThanOrEqual("L", .int32(1)), "L le 1"),
            (.comparison("P", .greaterThanOrEqual, .boolean(false)), "P ge false"),
        ]
        for (filter, text) in cases {
            #expect(filter.description == text)
            #expect(try FilterExpression.parse(text) == filter.expression, "\(text)")
        }
    }

    @Test("random trees print as text that parses back to the same tree")
    func roundTripsRandomTrees() throws {
        var generator = FilterSeededGenerator(seed: 11)
        for _ in 0..<1_000 {
            var leaves = Int.random(in: 1...15, using: &generator)
            let tree = Self.randomTree(leaves: &leaves, depth: 0, using: &generator)
            #expect(try FilterExpression.parse(tree.description) == tree, "\(tree)")
        }
    }

    @Test("accepts only identifiers that cannot change the filter's meaning as property names")
    func validatesPropertyNames() {
        for name in ["PartitionKey", "_x", "a1", "Größe", "X", "datetime", "notes", "andy", "Nan", "inf"] {
            #expect(FilterExpression.isValidPropertyName(name), "\(name)")
        }
        for name in [
            "", "1a", "a b", "a-b", "a'b", "and", "OR", "Not", "eq", "GE", "true", "False", "null", "NaN", "INF",
            "é\u{301}x",
        ] {
            #expect(!FilterExpression.isValidPropertyName(name), "\(name)")
        }
    }

    @Test("a GUID value built from arbitrary text cannot inject syntax")
    func sanitizesGUIDs() {
        let filter = TableFilter.equal("Id", .guid("x' or true or 'A"))
        #expect(filter.description == "Id eq guid'eA'")
        #expect(throws: StorageError.self) { try FilterExpression.parse(filter.description) }
        #expect(
            FilterLiteral.format(.guid("A455C695-DF98-5678-AAAA-81D3367E5A34"))
                == "guid'a455c695-df98-5678-aaaa-81d3367e5a34'")
    }

    private static let leafValues: [EdmValue] = [
        .string("s'q"), .int32(-3), .int64(4), .double(0.5), .boolean(true),
        .dateTime(PreciseTimestamp(ticksSinceEpoch: 1)), .guid("00000000-0000-0000-0000-000000000001"), .binary([1]),
    ]

    private static func randomTree(leaves: inout Int, depth: Int, using generator: inout FilterSeededGenerator)
        -> FilterExpression
    {
        let choice =
            leaves <= 1 || depth > 8
            ? Int.random(in: 0..<3, using: &generator) : Int.random(in: 0..<6, using: &generator)
        switch choice {
        case 0:
            let property = FilterOperand.property("P\(Int.random(in: 0..<3, using: &generator))")
            let literal = FilterOperand.literal(Self.leafValues.randomElement(using: &generator)!)
            let comparisonOperator = FilterComparisonOperator.allCases.randomElement(using: &generator)!
            return Bool.random(using: &generator)
                ? .comparison(FilterComparison(property, comparisonOperator, literal))
                : .comparison(FilterComparison(literal, comparisonOperator, property))
        case 1:
            return .operand(Bool.random(using: &generator) ? .property("Flag") : .literal(.boolean(false)))
        case 2:
            return .not(Self.randomTree(leaves: &leaves, depth: depth + 1, using: &generator))
        default:
            let split = Int.random(in: 1..<leaves, using: &generator)
            var left = split
            var right = leaves - split
            let leftTree = Self.randomTree(leaves: &left, depth: depth + 1, using: &generator)
            let rightTree = Self.randomTree(leaves: &right, depth: depth + 1, using: &generator)
            return choice == 3 ? .and(leftTree, rightTree) : .or(leftTree, rightTree)
        }
    }
}
