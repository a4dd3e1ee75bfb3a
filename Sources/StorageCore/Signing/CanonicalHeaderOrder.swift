//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// How the `x-ms-*` header names are ordered in a Blob/Queue string-to-sign.
///
/// Azure sorts them with a culture-aware collation. The Python SDK emulates it with two tables of
/// character weights; other clients sort bytes. The orders differ only for names holding
/// punctuation such as `-` or `_` after the prefix (typically metadata names), so a verifier
/// tries both and a signer uses the SDK's, which is what the service expects.
package enum CanonicalHeaderOrder: CaseIterable, Sendable {
    /// The service's collation, as the Python SDK reproduces it.
    case serviceCollation
    /// Plain byte order.
    case bytes

    /// Whether `left` sorts before `right` in this order.
    package func areInIncreasingOrder(_ left: String, _ right: String) -> Bool {
        switch self {
        case .bytes:
            left.utf8.lexicographicallyPrecedes(right.utf8)
        case .serviceCollation:
            Self.collationCompare(Array(left.utf8), Array(right.utf8)) < 0
        }
    }

    /// First-level weights: characters in this order count, every other ASCII character is
    /// skipped (notably `-`, `'`, `:`, `/` and space), and letters ignore case.
    private static let primaryWeights: [UInt8: Int] = {
        var weights: [UInt8: Int] = [:]
        for (rank, byte) in "!#$%&*.^_`|~+0123456789abcdefghijklmnopqrstuvwxyz".utf8.enumerated() {
            weights[byte] = rank + 2
        }
        for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") {
            weights[byte] = weights[byte | 0x20]
        }
        return weights
    }()

    /// Weight standing for the end of a string: below every real character.
    private static let endOfString = 1

    /// Two passes. The first compares the strings by primary weights alone, skipping
    /// zero-weight characters. On a tie, the second looks only at `'` and `-`: walking both
    /// strings, ordinary characters are skipped in step, and where one string skips more of them
    /// before its next special character, that string sorts first (`retrycount` before
    /// `retry-count`).
    private static func collationCompare(_ left: [UInt8], _ right: [UInt8]) -> Int {
        let levels: [(UInt8) -> Int] = [
            { Self.primaryWeights[$0] ?? 0 },
            { byte in byte == UInt8(ascii: "'") ? 0x8012 : byte == UInt8(ascii: "-") ? 0x8212 : 0 },
        ]
        var level = 0
        var leftIndex = 0
        var rightIndex = 0
        while level < levels.count {
            if level == levels.count - 1 && leftIndex != rightIndex {
                return leftIndex > rightIndex ? -1 : 1
            }
            let leftWeight = leftIndex < left.count ? levels[level](left[leftIndex]) : Self.endOfString
            let rightWeight = rightIndex < right.count ? levels[level](right[rightIndex]) : Self.endOfString
            if leftWeight == Self.endOfString && rightWeight == Self.endOfString {
                leftIndex = 0
                rightIndex = 0
                level += 1
            } else if leftWeight == rightWeight {
                leftIndex += 1
                rightIndex += 1
            } else if leftWeight == 0 {
                leftIndex += 1
            } else if rightWeight == 0 {
                rightIndex += 1
            } else {
                return leftWeight < rightWeight ? -1 : 1
            }
        }
        return 0
    }
}
