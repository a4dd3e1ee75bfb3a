//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch

/// Runs blocking calls (file system access) on a Dispatch queue, off the cooperative pool.
enum BlockingWork: Sendable {
    private static let queue = DispatchQueue(label: "baton.analyser.blocking", attributes: .concurrent)

    /// The result of `body`, run on the blocking queue.
    static func run<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Swift.Result { try body() })
            }
        }
    }
}
