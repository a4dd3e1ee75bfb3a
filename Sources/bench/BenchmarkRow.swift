//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One line of results: an operation, who performed it against what, at what concurrency.
struct BenchmarkRow: Codable, Sendable, Equatable {
    /// `transport`, `table`, `lock`, `queue`, `jobs` or `scale`.
    var group: String
    /// What was measured, such as `point read`; rows compared with each other share it.
    var operation: String
    /// The client and server, such as `Baton → emulator` or `Redis lock → redis-server`.
    var subject: String
    /// Whether this row is an anchor, measured to compare Baton with.
    var isAnchor: Bool
    var concurrency: Int
    var operationsPerSecond: Double
    var p50Microseconds: Double
    var p99Microseconds: Double
    /// Calls timed.
    var samples: Int
    /// Baton's rate divided by the anchor's, for the Baton row that has an anchor.
    var ratioToAnchor: Double?
    /// The anchor the ratio is taken to.
    var anchorSubject: String?
    /// The anchor's operation, when it is not this row's (the HTTP floor under a point read).
    var anchorOperation: String?

    init(group: String, operation: String, subject: String, isAnchor: Bool = false, sample: Measurement.Sample) {
        self.group = group
        self.operation = operation
        self.subject = subject
        self.isAnchor = isAnchor
        self.concurrency = sample.concurrency
        self.operationsPerSecond = sample.operationsPerSecond
        self.p50Microseconds = sample.latency.p50.microseconds
        self.p99Microseconds = sample.latency.p99.microseconds
        self.samples = sample.latency.count
    }

    init(
        group: String, operation: String, subject: String, isAnchor: Bool, concurrency: Int,
        operationsPerSecond: Double, p50Microseconds: Double, p99Microseconds: Double, samples: Int
    ) {
        self.group = group
        self.operation = operation
        self.subject = subject
        self.isAnchor = isAnchor
        self.concurrency = concurrency
        self.operationsPerSecond = operationsPerSecond
        self.p50Microseconds = p50Microseconds
        self.p99Microseconds = p99Microseconds
        self.samples = samples
    }
}
