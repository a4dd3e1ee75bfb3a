//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Which faults the emulator injects, and how often: the parsed form of `--faults`.
///
/// The text form is a comma-separated list of `kind=probability[:duration]` items, for example
/// `latency=0.2:50ms,busy=0.05,internal=0.02,drop=0.05,slow=0.01:35s`:
/// - `latency=P:D` — with probability P, wait D before handling the request;
/// - `busy=P` — answer 503 `ServerBusy` without running the request;
/// - `internal=P` — answer 500 `InternalError` without running the request;
/// - `drop=P` — run the request (a write commits), then close the connection without answering;
/// - `slow=P:D` — run the request, then wait D before answering (past the client's timeout);
/// - `services=table+queue+jobs` — the services the faults apply to (all three by default).
///
/// Durations take `ms` or `s` (`250ms`, `1.5s`). Latency is drawn independently; at most one of
/// `busy`, `internal`, `drop` and `slow` happens to a request, so their probabilities may add up
/// to 1 at most. The empty string means no faults.
public struct FaultSpec: Sendable, Hashable, CustomStringConvertible {
    /// A service faults can be injected into.
    public enum Service: String, Sendable, Hashable, CaseIterable, Comparable {
        /// The Table service.
        case table
        /// The Queue service.
        case queue
        /// The Jobs service.
        case jobs

        /// Orders as declared: table, queue, jobs.
        public static func < (left: Service, right: Service) -> Bool {
            left.rank < right.rank
        }

        private var rank: Int {
            switch self {
            case .table: 0
            case .queue: 1
            case .jobs: 2
            }
        }
    }

    /// A probability and how long the fault lasts.
    public struct DelayedFault: Sendable, Hashable {
        /// How likely the fault is, from 0 to 1.
        public var probability: Double
        /// How long it delays the request or the answer.
        public var duration: Duration

        /// Creates a delayed fault.
        public init(probability: Double, duration: Duration) {
            self.probability = probability
            self.duration = duration
        }
    }

    /// Added latency before the request runs; `nil` for none.
    public var latency: DelayedFault?
    /// The probability of 503 `ServerBusy` before the request runs.
    public var busy: Double = 0
    /// The probability of 500 `InternalError` before the request runs.
    public var internalError: Double = 0
    /// The probability that the request runs and its answer is dropped with the connection.
    public var drop: Double = 0
    /// A delayed answer after the request ran; `nil` for none.
    public var slow: DelayedFault?
    /// The services the faults apply to.
    public var services: Set<Service> = Set(Service.allCases)

    /// No faults at all.
    public init() {}

    /// Whether the specification injects nothing.
    public var isEmpty: Bool {
        self.latency == nil && self.busy == 0 && self.internalError == 0 && self.drop == 0 && self.slow == nil
    }

    /// The specification in its text form, which ``init(parsing:)`` reads back to the same value.
    public var description: String {
        var items: [String] = []
        if let latency { items.append("latency=\(latency.probability):\(Self.text(latency.duration))") }
        if self.busy > 0 { items.append("busy=\(self.busy)") }
        if self.internalError > 0 { items.append("internal=\(self.internalError)") }
        if self.drop > 0 { items.append("drop=\(self.drop)") }
        if let slow { items.append("slow=\(slow.probability):\(Self.text(slow.duration))") }
        if !items.isEmpty && self.services != Set(Service.allCases) {
            items.append("services=" + self.services.sorted().map(\.rawValue).joined(separator: "+"))
        }
        return items.joined(separator: ",")
    }

    /// Whole milliseconds as `<n>ms`.
    private static func text(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }
}
