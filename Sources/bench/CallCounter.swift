//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// A count shared by concurrent callers, such as messages sent or calls started.
final class CallCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Adds one and returns the count before.
    @discardableResult
    func increment() -> Int {
        self.count.add(1, ordering: .relaxed).oldValue
    }

    var value: Int { self.count.load(ordering: .relaxed) }
}
