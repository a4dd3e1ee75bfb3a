//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import StorageClient
import StorageCore

/// The image-loading service: stores files and gives each strategy its trigger — a message on
/// `newfiles` and a job of type `AnalysisOfNewFiles` per file. The lock strategy needs none:
/// it finds new files by comparing the store with its results.
public struct ImageUploader: Sendable {
    private let store: any FileStore
    private let connection: AnalyserConnection
    private let log: @Sendable (AnalyserEvent) -> Void

    /// An uploader into `store`, announcing files through `connection`.
    public init(
        store: any FileStore, connection: AnalyserConnection,
        log: @escaping @Sendable (AnalyserEvent) -> Void = { _ in }
    ) {
        self.store = store
        self.connection = connection
        self.log = log
    }

    /// Stores each file, then sends its message and adds its job, a few files at a time.
    ///
    /// - Returns: How many files were uploaded.
    @discardableResult
    public func upload(_ files: [(name: String, bytes: [UInt8])]) async throws -> Int {
        let queue = try await self.connection.openQueue(lockTimeout: .seconds(10))
        let producer = JobProducer(jobs: self.connection.jobs(), type: AnalyserConnection.workName)
        let store = self.store
        let width = 8
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, file) in files.enumerated() {
                if index >= width { try await group.next() }
                group.addTask {
                    try await store.write(file.name, bytes: file.bytes)
                    // An announcement must not be lost and may be repeated: a second message for
                    // a file is refused by the insert-only results table, and a unique job is
                    // added once however often it is sent. So a lost answer is resolved by
                    // sending again.
                    try await StorageRetryPolicy.standard.repeatingLostAnswers {
                        try await queue.send(MessageEnvelope(messageType: AnalyserConnection.workName, text: file.name))
                    }
                    try await StorageRetryPolicy.standard.repeatingLostAnswers {
                        _ = try await producer.add(
                            referenceId: file.name, params: .object([JSONMember("file", .string(file.name))]),
                            unique: true)
                    }
                }
            }
            try await group.waitForAll()
        }
        self.log(AnalyserEvent(source: "upload", kind: "uploaded", fields: [("files", String(files.count))]))
        return files.count
    }
}
