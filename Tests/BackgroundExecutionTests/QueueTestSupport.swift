//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Emulator
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

/// The message-queue implementations every queue test runs against.
enum QueueBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory
    case storage

    var testDescription: String { self.rawValue }
}

/// A backend ready for a test: for the storage queue, an in-process emulator on port 0.
final class QueueEnvironment: Sendable {
    let backend: QueueBackend
    let emulator: StorageEmulator?
    private let memoryQueues = Mutex<[String: MemoryMessageQueue]>([:])

    init(_ backend: QueueBackend) throws {
        self.backend = backend
        if backend == .storage {
            var configuration = StorageEmulator.Configuration()
            configuration.tablePort = nil
            configuration.queuePort = 0
            configuration.jobsPort = nil
            configuration.inMemory = true
            configuration.logLevel = .silent
            self.emulator = try StorageEmulator(configuration: configuration)
        } else {
            self.emulator = nil
        }
    }

    deinit {
        self.emulator?.shutdown()
    }

    /// The development account at the emulator's Queue endpoint.
    func account() throws -> StorageAccount {
        guard let endpoint = self.emulator?.endpoints.first(where: { $0.service == "Queue" }) else {
            throw StorageConfigurationError(code: .missingSetting, message: "no queue emulator")
        }
        return try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "QueueEndpoint=\(endpoint.url.absoluteString)")
    }

    /// A queue object for `name`. Storage queues are separate objects per call, as separate
    /// service instances would have, over the same service queue; memory queues are shared
    /// per name.
    func makeQueue(
        _ name: String, configuration: MessageQueueConfiguration, encoding: QueueMessageEncoding = .base64
    ) async throws -> any MessageQueue {
        switch self.backend {
        case .memory:
            return self.memoryQueues.withLock { queues in
                if let queue = queues[name] { return queue }
                let queue = MemoryMessageQueue(name: name, configuration: configuration)
                queues[name] = queue
                return queue
            }
        case .storage:
            let client = QueueClient(account: try self.account(), queueName: name, messageEncoding: encoding)
            let queue = StorageMessageQueue(client: client, configuration: configuration)
            try await queue.open()
            return queue
        }
    }

    /// The texts in the dead-letter queue of `queue`, found by peeking (at most 32).
    func deadLetters(of queue: any MessageQueue) async throws -> [MessageEnvelope] {
        switch queue {
        case let memory as MemoryMessageQueue:
            return try await memory.deadLetterQueue?.peekBatch(count: 32) ?? []
        case let storage as StorageMessageQueue:
            let deadLetter = StorageMessageQueue(client: storage.deadLetterClient)
            return try await deadLetter.peekBatch(count: 32)
        default:
            return []
        }
    }

    /// A queue name no other test uses.
    static func uniqueName(_ prefix: String = "q") -> String {
        prefix + UUID().uuidString.replacing("-", with: "").prefix(16).lowercased()
    }
}

/// Settings for tests: short polls, and a lock that is long enough for a slow machine.
func testQueueConfiguration(lockTimeout: Duration = .seconds(30), maxDequeueCount: Int = 5)
    -> MessageQueueConfiguration
{
    MessageQueueConfiguration(
        lockTimeout: lockTimeout, maxDequeueCount: maxDequeueCount, minimumPollInterval: .milliseconds(20),
        maximumPollInterval: .milliseconds(250))
}

/// Runs `body` and returns the ``MessageQueueError`` it threw, recording an issue otherwise.
func messageQueueError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> MessageQueueError? {
    do {
        try await body()
        Issue.record("expected a MessageQueueError, but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as MessageQueueError {
        return error
    } catch {
        Issue.record("expected a MessageQueueError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}
