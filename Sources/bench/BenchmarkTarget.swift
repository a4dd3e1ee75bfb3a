//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// One of the speed targets the benchmark issue set: reported, met or missed, never asserted.
struct BenchmarkTarget: Encodable {
    /// What the target asks, such as `uncontended lock cycle rate ≥ 50% of Redis's, c=1`.
    let goal: String
    /// The ratio measured, or `nil` when a row it needs was not measured.
    let measured: Double?
    /// The bound the ratio is held to.
    let bound: Double
    /// Whether the ratio must be at least (`true`) or at most (`false`) the bound.
    let isLowerBound: Bool

    /// `met`, `missed`, or `not measured`.
    let verdict: String

    init(goal: String, measured: Double?, bound: Double, isLowerBound: Bool) {
        self.goal = goal
        self.measured = measured
        self.bound = bound
        self.isLowerBound = isLowerBound
        if let measured {
            self.verdict = (isLowerBound ? measured >= bound : measured <= bound) ? "met" : "missed"
        } else {
            self.verdict = "not measured"
        }
    }

    /// The targets, evaluated on the report's rows.
    static func evaluate(_ report: BenchmarkReport) -> [BenchmarkTarget] {
        var targets: [BenchmarkTarget] = []
        func rate(_ row: BenchmarkRow?) -> Double? { row?.operationsPerSecond }
        func divide(_ numerator: Double?, _ denominator: Double?) -> Double? {
            guard let numerator, let denominator, denominator > 0 else { return nil }
            return numerator / denominator
        }
        for concurrency in [1, 16] {
            targets.append(
                BenchmarkTarget(
                    goal: "uncontended lock cycle rate ≥ 50% of the Redis lock's, c=\(concurrency)",
                    measured: divide(
                        rate(report.find("lock", LockBenchmark.uncontended, concurrency: concurrency)),
                        rate(report.find("lock", LockBenchmark.uncontended, concurrency: concurrency, anchor: true))),
                    bound: 0.5, isLowerBound: true))
        }
        targets.append(
            BenchmarkTarget(
                goal:
                    "table point-read rate at c=16 ≥ 60% of nginx's static 204 rate (same client, alternating rounds)",
                measured: divide(
                    rate(report.find(TransportBenchmark.floorGroup, TransportBenchmark.floorRead, concurrency: 16)),
                    rate(
                        report.find(
                            TransportBenchmark.floorGroup, TransportBenchmark.roundTrip, concurrency: 16, anchor: true)
                    )),
                bound: 0.6, isLowerBound: true))
        for operation in TableBenchmark.operations {
            for concurrency in [1, 16] {
                targets.append(
                    BenchmarkTarget(
                        goal: "TableClient ≥ 10× the Python SDK's rate: \(operation), c=\(concurrency)",
                        measured: divide(
                            rate(report.find("table", operation, concurrency: concurrency)),
                            rate(report.find("table", operation, concurrency: concurrency, anchor: true))),
                        bound: 10, isLowerBound: true))
            }
        }
        let scaleReads = report.rows.filter { $0.group == "scale" && $0.operation.hasPrefix(ScaleBenchmark.readPrefix) }
        targets.append(
            BenchmarkTarget(
                goal:
                    "point-read p99 with \(ScaleBenchmark.sizeName(report.largeTableSize)) entities ≤ 1.5× p99 with 1 thousand",
                measured: scaleReads.count == 2
                    ? divide(scaleReads[1].p99Microseconds, scaleReads[0].p99Microseconds) : nil,
                bound: 1.5, isLowerBound: false))
        return targets
    }

    /// `0.62× (≥ 0.5×)`.
    var measuredText: String {
        guard let measured else { return "—" }
        return BenchmarkReport.ratio(measured) + " (" + (self.isLowerBound ? "≥ " : "≤ ")
            + BenchmarkReport.ratio(self.bound) + ")"
    }
}
