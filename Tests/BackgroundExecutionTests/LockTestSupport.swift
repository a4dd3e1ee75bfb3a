//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Emulator
import Foundation
import StorageCore
import Synchronization
import Testing

/// The lock implementations every lock test runs against.
enum LockBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case table

    var testDescription: String { self.rawValue }
}

/// A backend ready for a test: for the table lock, an in-process emulator on port 0.
final class LockEnvironment: Sendable {
    let backend: LockBackend
    let emulator: StorageEmulator?
    private let sharedMemoryLock = MemoryLock(retryTimeout: .milliseconds(5))

    init(_ backend: LockBackend, location: URL? = nil) throws {
        self.backend = backend
        if backend == .table {
            var configuration = StorageEmulator.Configuration()
            configuration.jobsPort = nil
            configuration.tablePort = 0
            configuration.queuePort = nil
            if let location {
                configuration.location = location
            } else {
                configuration.inMemory = true
            }
            configuration.logLevel = .silent
            self.emulator = try StorageEmulator(configuration: configuration)
        } else {
            self.emulator = nil
        }
    }

    /// The emulator's Table endpoint as a connection string for the development account.
    var connectionString: String {
        guard let endpoint = self.emulator?.endpoints.first(where: { $0.service == "Table" }) else { return "" }
        return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "TableEndpoint=\(endpoint.url.absoluteString)"
    }

    /// A lock object. For the table backend each call gives a new object, as separate service
    /// instances would have; the memory backend has one object per environment.
    func makeLock(retryTimeout: Duration = .milliseconds(5), expiryMargin: Duration = .milliseconds(100)) throws
        -> any Lock
    {
        switch self.backend {
        case .memory:
            return self.sharedMemoryLock
        case .table:
            var configuration = try TableLock.Configuration(connectionString: self.connectionString)
            configuration.retryTimeout = retryTimeout
            configuration.expiryMargin = expiryMargin
            return TableLock(configuration: configuration)
        }
    }

    deinit {
        self.emulator?.shutdown()
    }
}

/// A stand-in for a resource protected by the lock: it refuses overlapping holders and checks
/// that every fencing token it sees is larger than the last, as a fenced resource must.
final class FencedResource: Sendable {
    private struct State {
        var holder: Int64?
        var highestFence: Int64 = 0
        var entries = 0
        var violations: [String] = []
    }

    private let state = Mutex(State())

    func enter(fence: Int64) {
        self.state.withLock { state in
            if let holder = state.holder {
                state.violations.append("fence \(fence) entered while \(holder) was inside")
            }
            if fence <= state.highestFence {
                state.violations.append("fence \(fence) not above \(state.highestFence)")
            }
            state.holder = fence
            state.highestFence = max(state.highestFence, fence)
            state.entries += 1
        }
    }

    func leave(fence: Int64) {
        self.state.withLock { state in
            if state.holder == fence { state.holder = nil }
        }
    }

    var violations: [String] { self.state.withLock { $0.violations } }
    var entries: Int { self.state.withLock { $0.entries } }
}
