//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageClient
import StorageCore
import Synchronization

/// Counts what the workers did: operations, refusals with 503 `ServerBusy`, and unexpected
/// errors (with the first few kept for the report).
final class LoadRecorder: Sendable {
    private struct Counts {
        var operations: [String: Int] = [:]
        var serverBusy = 0
        var unexpected = 0
        var examples: [String] = []
    }

    private let counts = Mutex(Counts())

    /// Records a completed operation.
    func succeeded(_ operation: String) {
        self.counts.withLock { $0.operations[operation, default: 0] += 1 }
    }

    /// Records a failed operation: a 503 refusal counts apart, anything else is unexpected.
    func failed(_ operation: String, _ error: any Error) {
        let busy = Self.isServerBusy(error)
        self.counts.withLock { counts in
            if busy {
                counts.serverBusy += 1
                return
            }
            counts.unexpected += 1
            if counts.examples.count < 10 {
                counts.examples.append("\(operation): \(error)")
            }
        }
    }

    /// Operations completed, all kinds together.
    var totalOperations: Int { self.counts.withLock { $0.operations.values.reduce(0, +) } }
    /// Operations completed, by kind.
    var operations: [String: Int] { self.counts.withLock { $0.operations } }
    /// 503 answers received.
    var serverBusy: Int { self.counts.withLock { $0.serverBusy } }
    /// Errors other than 503.
    var unexpected: Int { self.counts.withLock { $0.unexpected } }
    /// The first unexpected errors.
    var examples: [String] { self.counts.withLock { $0.examples } }

    /// Whether the service refused for lack of capacity: Table or Queue `ServerBusy`, or the
    /// Jobs service's 503.
    static func isServerBusy(_ error: any Error) -> Bool {
        if let error = error as? StorageError {
            return error.status == 503
        }
        if let error = error as? JobsError {
            return error.status == 503
        }
        return false
    }
}
