//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Percentiles and mean of a set of latency samples.
struct LatencySummary: Sendable {
    let count: Int
    let mean: Duration
    let p50: Duration
    let p99: Duration
    let maximum: Duration

    init(_ samples: [Duration]) {
        precondition(!samples.isEmpty, "a summary needs samples")
        let sorted = samples.sorted()
        self.count = sorted.count
        self.mean = sorted.reduce(.zero, +) / sorted.count
        self.p50 = sorted[Self.rank(0.50, of: sorted.count)]
        self.p99 = sorted[Self.rank(0.99, of: sorted.count)]
        self.maximum = sorted[sorted.count - 1]
    }

    /// The nearest-rank index of a percentile.
    private static func rank(_ fraction: Double, of count: Int) -> Int {
        min(count - 1, max(0, Int((fraction * Double(count)).rounded(.up)) - 1))
    }
}

extension Duration {
    /// Microseconds as a floating-point number, for printing.
    var microseconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) * 1_000_000 + Double(attoseconds) / 1_000_000_000_000
    }
}
