//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import StorageCore

/// How many requests a ``FaultInjector`` has seen and how many faults of each kind it injected.
public struct FaultCounters: Sendable, Hashable {
    /// Requests to services the faults apply to, while a specification was in force.
    public var requests = 0
    /// Requests held back by added latency.
    public var latency = 0
    /// Requests answered 503 `ServerBusy` without running.
    public var busy = 0
    /// Requests answered 500 `InternalError` without running.
    public var internalError = 0
    /// Requests that ran and whose connection was closed instead of answering.
    public var drop = 0
    /// Requests that ran and were answered late.
    public var slow = 0

    /// All zero.
    public init() {}

    /// The faults injected, every kind together.
    public var injected: Int {
        self.latency + self.busy + self.internalError + self.drop + self.slow
    }

    /// The counters as a JSON object, as the admin endpoint reports them.
    public var json: JSONValue {
        .object([
            JSONMember("requests", .number(String(self.requests))),
            JSONMember("latency", .number(String(self.latency))),
            JSONMember("busy", .number(String(self.busy))),
            JSONMember("internal", .number(String(self.internalError))),
            JSONMember("drop", .number(String(self.drop))),
            JSONMember("slow", .number(String(self.slow))),
            JSONMember("injected", .number(String(self.injected))),
        ])
    }
}
