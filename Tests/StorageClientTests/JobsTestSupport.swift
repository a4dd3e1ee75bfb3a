//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

/// The Jobs implementations the shared dialect suite runs against.
enum JobsBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// ``MemoryJobsClient``.
    case memory
    /// ``JobsClient`` against an in-process emulator's Jobs port.
    case emulator

    var testDescription: String { self.rawValue }
}

/// A Jobs service ready for one test.
final class JobsEnvironment: Sendable {
    let backend: JobsBackend
    let jobs: any JobQueueing
    private let memory: MemoryJobsClient?
    private let emulator: StorageEmulator?

    /// Starts the service.
    ///
    /// - Parameters:
    ///   - maxRetries: The service's `max_retries`.
    ///   - cleansItself: For the emulator, whether its cleaner runs (every 200 ms); otherwise it
    ///     is off, so that completed jobs stay.
    ///   - location: For the emulator, a directory to keep the jobs in; in memory when `nil`.
    init(_ backend: JobsBackend, maxRetries: Int = 10, cleansItself: Bool = false, location: URL? = nil) throws {
        self.backend = backend
        switch backend {
        case .memory:
            let memory = MemoryJobsClient(maxRetries: maxRetries)
            self.memory = memory
            self.emulator = nil
            self.jobs = memory
        case .emulator:
            let emulator = try Self.startEmulator(
                maxRetries: maxRetries, cleansItself: cleansItself, location: location)
            self.memory = nil
            self.emulator = emulator
            self.jobs = Self.client(of: emulator)
        }
    }

    deinit {
        self.emulator?.shutdown()
    }

    /// An emulator serving only Jobs, on a free port.
    static func startEmulator(maxRetries: Int = 10, cleansItself: Bool = false, location: URL? = nil) throws
        -> StorageEmulator
    {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = nil
        configuration.jobsPort = 0
        configuration.queuePort = nil
        configuration.jobsMaximumRetries = maxRetries
        configuration.jobsCleanInterval = cleansItself ? .milliseconds(200) : .zero
        if let location {
            configuration.location = location
        } else {
            configuration.inMemory = true
        }
        configuration.threadCount = 4
        configuration.logLevel = .error
        return try StorageEmulator(configuration: configuration)
    }

    /// A client of the emulator's Jobs port.
    static func client(of emulator: StorageEmulator) -> JobsClient {
        let port = emulator.endpoints.first { $0.service == "Jobs" }?.port ?? 0
        return JobsClient(configuration: JobsClient.Configuration(baseURL: "http://127.0.0.1:\(port)"))
    }

    /// Runs the service's cleanup: at once in memory; for the emulator (started with
    /// `cleansItself`), by waiting for its cleaner.
    func cleanUp() async throws {
        if let memory {
            memory.cleanUp()
        } else {
            try await Task.sleep(for: .milliseconds(1500))
        }
    }
}

/// A transport that fails every request with one error.
struct ThrowingTransport: HTTPTransport {
    let error: TransportError

    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        throw self.error
    }
}

/// The JobsError `body` throws, or `nil` (recording an issue) when it throws something else or
/// nothing.
func jobsError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> JobsError? {
    do {
        try await body()
        Issue.record("expected a JobsError, got success", sourceLocation: sourceLocation)
    } catch let error as JobsError {
        return error
    } catch {
        Issue.record("expected a JobsError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
