//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The command-line options shared by the benchmarks.
struct BenchmarkOptions: Sendable {
    /// Requests per measured run.
    var requests = 5_000
    /// Concurrent tasks in the throughput run.
    var concurrency = 16
    /// Whether to take a short run, for smoke tests and demos.
    var quick = false

    /// A bad command line, described for the user.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick":
                self.quick = true
                self.requests = min(self.requests, 1_000)
            case "--requests", "--concurrency":
                guard let text = remaining.popFirst(), let value = Int(text), value > 0 else {
                    throw UsageError(description: "\(argument) needs a positive whole number")
                }
                if argument == "--requests" { self.requests = value } else { self.concurrency = value }
            default:
                throw UsageError(description: "unknown option '\(argument)'")
            }
        }
    }
}
