//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import StorageClient
import Testing

/// The Jobs services the runner tests run against.
enum JobsRunnerBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// One ``MemoryJobsClient`` shared by every runner.
    case memory
    /// An in-process emulator's Jobs port, with a ``JobsClient`` per runner.
    case emulator

    var testDescription: String { self.rawValue }
}

/// A Jobs service for one runner test; keep it alive for the whole test.
final class JobsRunnerEnvironment: Sendable {
    let backend: JobsRunnerBackend
    private let memory = MemoryJobsClient()
    private let emulator: StorageEmulator?

    init(_ backend: JobsRunnerBackend) throws {
        self.backend = backend
        if backend == .emulator {
            var configuration = StorageEmulator.Configuration()
            configuration.tablePort = nil
            configuration.jobsPort = 0
            configuration.queuePort = nil
            configuration.jobsCleanInterval = .zero
            configuration.inMemory = true
            configuration.threadCount = 4
            configuration.logLevel = .error
            self.emulator = try StorageEmulator(configuration: configuration)
        } else {
            self.emulator = nil
        }
    }

    deinit {
        self.emulator?.shutdown()
    }

    /// A client: for the memory backend, the shared service itself; for the emulator, a new
    /// ``JobsClient``, as separate service instances would have.
    func makeClient() throws -> any JobQueueing {
        guard let emulator else { return self.memory }
        let port = emulator.endpoints.first { $0.service == "Jobs" }?.port ?? 0
        return JobsClient(configuration: JobsClient.Configuration(baseURL: "http://127.0.0.1:\(port)"))
    }
}
