//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("$filter key bounds")
struct FilterKeyBoundsTests {
    @Test("an equality gives a point range")
    func equalityIsAPoint() throws {
        let bounds = try FilterExpression.parse("PartitionKey eq 'a' and RowKey gt '5'").keyBounds
        #expect(
            bounds.partitionKey
                == KeyRange(lower: KeyBound("a", inclusive: true), upper: KeyBound("a", inclusive: true)))
        #expect(bounds.partitionKey.exactValue == "a")
        #expect(bounds.rowKey == KeyRange(lower: KeyBound("5", inclusive: false), upper: nil))
        #expect(bounds.rowKey.exactValue == nil)
    }

    private static let ranges: [(String, KeyRange)] = [
        ("PartitionKey ge 'a' and PartitionKey lt 'b'", range("a", true, "b", false)),
        ("PartitionKey gt 'a' and PartitionKey le 'b'", range("a", false, "b", true)),
        ("'a' lt PartitionKey", range("a", false, nil, false)),
        ("'a' ge PartitionKey", range(nil, false, "a", true)),
        ("PartitionKey gt 'a' and PartitionKey ge 'a'", range("a", false, nil, false)),
        ("PartitionKey ge 'a' and PartitionKey gt 'a'", range("a", false, nil, false)),
        ("PartitionKey ge 'b' and PartitionKey gt 'a'", range("b", true, nil, false)),
        ("PartitionKey lt 'm' and PartitionKey le 'k' and PartitionKey lt 'z'", range(nil, false, "k", true)),
        ("PartitionKey eq 'a' or PartitionKey eq 'b'", .unbounded),
        ("PartitionKey ne 'a'", .unbounded),
        ("not (PartitionKey lt 'm')", range("m", true, nil, false)),
        ("not (PartitionKey lt 'm' or PartitionKey gt 'p')", range("m", true, "p", true)),
        ("not (PartitionKey lt 'm' and PartitionKey gt 'p')", .unbounded),
        ("not (PartitionKey ne 'x')", range("x", true, "x", true)),
        ("(PartitionKey ge 'a' and Age gt 3) and (X eq 1 or PartitionKey eq 'q')", range("a", true, nil, false)),
        ("PartitionKey eq 5 and PartitionKey eq datetime'2008-07-10T00:00:00Z'", .unbounded),
        ("RowKey eq 'a'", .unbounded),
        ("PartitionKey eq 'b' and PartitionKey eq 'a'", range("b", true, "a", true)),
        // Characters at or above U+E000 cut the bound, which then holds in UTF-8 order too.
        ("PartitionKey ge 'ab\u{E000}c'", range("ab", true, nil, false)),
        ("PartitionKey gt 'ab\u{E000}c'", range("ab", true, nil, false)),
        ("PartitionKey le 'ab\u{FFFF}'", range(nil, false, "ac", false)),
        ("PartitionKey lt '\u{F000}'", .unbounded),
        ("PartitionKey eq 'x😀'", range("x", true, "y", false)),
        ("PartitionKey lt 'a\u{D7FF}\u{E000}'", range(nil, false, "a\u{E000}", false)),
        ("PartitionKey le 'a\u{D7FF}'", range(nil, false, "a\u{D7FF}", true)),
    ]

    @Test("narrows by the top-level conjunction only", arguments: Self.ranges.indices)
    func narrowsByConjunction(index: Int) throws {
        let (text, expected) = Self.ranges[index]
        #expect(try FilterExpression.parse(text).keyRange(for: "PartitionKey") == expected, "\(text)")
    }

    @Test("crossed ends make an empty range")
    func detectsEmptyRanges() throws {
        #expect(
            try FilterExpression.parse("PartitionKey eq 'b' and PartitionKey eq 'a'").keyBounds.partitionKey.isEmpty)
        #expect(
            try FilterExpression.parse("PartitionKey gt 'a' and PartitionKey lt 'a'").keyBounds.partitionKey.isEmpty)
        #expect(
            try !FilterExpression.parse("PartitionKey ge 'a' and PartitionKey le 'a'").keyBounds.partitionKey.isEmpty)
        #expect(!KeyRange.unbounded.isEmpty)
    }

    @Test("works for TableName in Query Tables")
    func boundsTableNames() throws {
        let range = try FilterExpression.parse("TableName ge 'logs' and TableName lt 'logt'").keyRange(for: "TableName")
        #expect(range.contains("logs2024"))
        #expect(!range.contains("metrics"))
    }

    @Test("every matching key lies within the bounds (brute force)")
    func boundsAreSafe() throws {
        var generator = FilterSeededGenerator(seed: 42)
        // Characters on both sides of every place where UTF-16 and UTF-8 orders disagree.
        let alphabet = [
            "a", "b", "z", "é", "\u{0}", "\u{7F}", "\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}",
            "\u{F8FF}", "\u{FFFD}", "\u{FFFF}", "\u{10000}", "😀", "\u{10FFFF}",
        ]
        func randomKey() -> String {
            (0..<Int.random(in: 0...3, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
                .joined()
        }
        var checkedMatches = 0
        for _ in 0..<600 {
            let literals = (0..<4).map { _ in randomKey() }
            let filter = Self.randomFilter(depth: 3, literals: literals, using: &generator)
            let bounds = filter.keyBounds
            var keys = literals
            for _ in 0..<150 { keys.append(randomKey()) }
            for partitionKey in keys {
                for rowKey in keys.prefix(12) {
                    let entity: [String: EdmValue] = ["PartitionKey": .string(partitionKey), "RowKey": .string(rowKey)]
                    guard filter.matches({ entity[$0] }) else { continue }
                    checkedMatches += 1
                    #expect(
                        bounds.partitionKey.contains(partitionKey),
                        "\(filter) PK \(partitionKey.unicodeScalars.map(\.value))")
                    #expect(bounds.rowKey.contains(rowKey), "\(filter) RK \(rowKey.unicodeScalars.map(\.value))")
                }
            }
        }
        #expect(checkedMatches > 10_000)
    }

    private static func randomFilter(
        depth: Int, literals: [String], using generator: inout FilterSeededGenerator
    ) -> FilterExpression {
        let choice = depth == 0 ? 0 : Int.random(in: 0..<6, using: &generator)
        switch choice {
        case 0, 1, 2:
            let property = FilterOperand.property(Bool.random(using: &generator) ? "PartitionKey" : "RowKey")
            let literal = FilterOperand.literal(.string(literals.randomElement(using: &generator)!))
            let comparisonOperator = FilterComparisonOperator.allCases.randomElement(using: &generator)!
            return Bool.random(using: &generator)
                ? .comparison(FilterComparison(property, comparisonOperator, literal))
                : .comparison(FilterComparison(literal, comparisonOperator, property))
        case 3:
            return .and(
                Self.randomFilter(depth: depth - 1, literals: literals, using: &generator),
                Self.randomFilter(depth: depth - 1, literals: literals, using: &generator))
        case 4:
            return .or(
                Self.randomFilter(depth: depth - 1, literals: literals, using: &generator),
                Self.randomFilter(depth: depth - 1, literals: literals, using: &generator))
        default:
            return .not(Self.randomFilter(depth: depth - 1, literals: literals, using: &generator))
        }
    }
}

private func range(_ lower: String?, _ lowerInclusive: Bool, _ upper: String?, _ upperInclusive: Bool) -> KeyRange {
    KeyRange(
        lower: lower.map { KeyBound($0, inclusive: lowerInclusive) },
        upper: upper.map { KeyBound($0, inclusive: upperInclusive) })
}
