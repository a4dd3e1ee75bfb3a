//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("Canonicalized header order")
struct CanonicalHeaderOrderTests {
    /// Orders the Python SDK's `_storage_header_sort` produced for these names.
    @Test(
        "sorts as the service's collation does",
        arguments: [
            ["a_b", "a1", "a2", "ab", "a-b", "a-c", "alpha", "mixed_case-name", "zeta"],
            ["retry", "retry_count", "retry9", "retrycount", "retry-count", "re-try-count"],
            ["x-ms-client-request-id", "x-ms-date", "x-ms-meta-a", "x-ms-meta-b", "x-ms-version"],
        ])
    func sortsLikeTheService(expected: [String]) {
        for seed in 0..<5 {
            var shuffled = expected
            var generator = SeededGenerator(seed: UInt64(seed))
            shuffled.shuffle(using: &generator)
            let sorted = shuffled.sorted { CanonicalHeaderOrder.serviceCollation.areInIncreasingOrder($0, $1) }
            #expect(sorted == expected)
        }
    }

    @Test("differs from byte order where punctuation is involved")
    func differsFromByteOrder() {
        #expect(CanonicalHeaderOrder.serviceCollation.areInIncreasingOrder("retrycount", "retry-count"))
        #expect(CanonicalHeaderOrder.bytes.areInIncreasingOrder("retry-count", "retrycount"))
    }
}

/// A small deterministic generator, so a failing shuffle can be replayed.
private struct SeededGenerator: RandomNumberGenerator {
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
