//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// Decides, request by request, which fault the emulator injects, and counts what it injected.
///
/// One injector serves every service of a ``StorageEmulator``; its specification can be changed
/// while the emulator runs (the admin endpoint does). Draws come from one generator under a
/// lock, so with a seed the sequence of decisions is fixed — though which request gets which
/// decision still depends on the order in which concurrent requests arrive.
public final class FaultInjector: Sendable {
    /// What happens to one request.
    package struct Decision: Sendable, Equatable {
        /// What replaces or follows the normal handling.
        package enum Outcome: Sendable, Equatable {
            /// The request is handled and answered normally.
            case none
            /// 503 `ServerBusy` before the request runs.
            case busy
            /// 500 `InternalError` before the request runs.
            case internalError
            /// The request runs; the connection is closed instead of answering.
            case drop
            /// The request runs; the answer waits this long.
            case slow(Duration)
        }

        /// The wait before the request runs; `nil` for none.
        package var latency: Duration?
        /// The fault, if any.
        package var outcome: Outcome

        /// Normal handling.
        package static let unaffected = Decision(latency: nil, outcome: .none)
    }

    private struct State {
        var spec: FaultSpec
        var generator: SeededRandomGenerator
        var counters = FaultCounters()
    }

    /// The seed the generator started from, printed so that a run can be repeated.
    public let seed: UInt64
    private let state: Mutex<State>
    /// Mirrors `!spec.isEmpty`, so that requests pay for the lock only while faults are on.
    private let active: Atomic<Bool>

    /// An injector following `spec`.
    ///
    /// - Parameter seed: Fixes the sequence of decisions; a random one when `nil`.
    public init(spec: FaultSpec = FaultSpec(), seed: UInt64? = nil) {
        let seed = seed ?? UInt64.random(in: 0...UInt64.max)
        self.seed = seed
        self.state = Mutex(State(spec: spec, generator: SeededRandomGenerator(seed: seed)))
        self.active = Atomic(!spec.isEmpty)
    }

    /// The specification in force.
    public var spec: FaultSpec {
        self.state.withLock { $0.spec }
    }

    /// What has been injected so far; kept across specification changes.
    public var counters: FaultCounters {
        self.state.withLock { $0.counters }
    }

    /// Replaces the specification; requests already being handled keep their decision.
    public func setSpec(_ spec: FaultSpec) {
        self.state.withLock { state in
            state.spec = spec
            self.active.store(!spec.isEmpty, ordering: .relaxed)
        }
    }

    /// Draws the decision for one request to `service`, and counts it.
    package func decide(for service: FaultSpec.Service) -> Decision {
        guard self.active.load(ordering: .relaxed) else {
            return .unaffected
        }
        return self.state.withLock { state in
            let spec = state.spec
            guard !spec.isEmpty, spec.services.contains(service) else {
                return .unaffected
            }
            state.counters.requests += 1
            var decision = Decision.unaffected
            if let latency = spec.latency, Double.random(in: 0..<1, using: &state.generator) < latency.probability {
                decision.latency = latency.duration
                state.counters.latency += 1
            }
            // One draw picks at most one of the exclusive faults, each with its own probability.
            var threshold = Double.random(in: 0..<1, using: &state.generator)
            if threshold < spec.busy {
                decision.outcome = .busy
                state.counters.busy += 1
                return decision
            }
            threshold -= spec.busy
            if threshold < spec.internalError {
                decision.outcome = .internalError
                state.counters.internalError += 1
                return decision
            }
            threshold -= spec.internalError
            if threshold < spec.drop {
                decision.outcome = .drop
                state.counters.drop += 1
                return decision
            }
            threshold -= spec.drop
            if let slow = spec.slow, threshold < slow.probability {
                decision.outcome = .slow(slow.duration)
                state.counters.slow += 1
            }
            return decision
        }
    }
}
