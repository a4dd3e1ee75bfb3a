//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageClient
import StorageCore
import Synchronization

/// One analyser instance: wires a strategy's runner to the analysis and runs it until stopped
/// or, with `exitWhenIdle`, until nothing has happened for that long and no work remains.
///
/// The strategies' logic lives in the runners (`TimerLockRunner`, `QueueListenerRunner`,
/// `TimerJobsRunner`); this type only says what the work is and records it.
public final class AnalysisWorker: Sendable {
    /// How a worker runs.
    public struct Configuration: Sendable {
        /// The strategy.
        public var strategy: AnalysisStrategy
        /// This instance's id, written to every result and run.
        public var workerId: String
        /// The timer interval of the lock and jobs strategies.
        public var interval: Duration = .seconds(1)
        /// The lease, message lock or job lock duration, renewed every third of it.
        public var ttl: Duration = .seconds(10)
        /// Stop once nothing happened for this long and no work remains; `nil` runs until stopped.
        public var exitWhenIdle: Duration? = .seconds(5)
        /// Where the tables, queue, lock and jobs live.
        public var connection: AnalyserConnection

        /// A configuration with the default timings.
        public init(strategy: AnalysisStrategy, workerId: String, connection: AnalyserConnection) {
            self.strategy = strategy
            self.workerId = workerId
            self.connection = connection
        }
    }

    /// What a worker did.
    public struct Summary: Sendable, Hashable {
        /// Files analysed and recorded by this worker (failed analyses included).
        public var recorded = 0
        /// Of those, files whose image could not be read.
        public var failed = 0
        /// Second analyses refused by the results table.
        public var duplicates = 0
        /// Units of work performed (lock runs, messages, jobs).
        public var runs = 0
    }

    private struct State {
        var summary = Summary()
        var lastActivity = ContinuousClock.now
        var stopped = false
    }

    /// The settings in force.
    public let configuration: Configuration
    private let store: any FileStore
    private let tables: AnalysisTables
    private let log: @Sendable (AnalyserEvent) -> Void
    private let state = Mutex(State())

    /// Creates a worker over `store`; nothing happens until `run()`.
    public init(
        configuration: Configuration, store: any FileStore, log: @escaping @Sendable (AnalyserEvent) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.store = store
        self.tables = AnalysisTables(connection: configuration.connection)
        self.log = log
    }

    /// What the worker has done so far.
    public var summary: Summary {
        self.state.withLock { $0.summary }
    }

    /// Asks `run()` to stop; work in progress is finished first. Idempotent.
    public func stop() {
        self.state.withLock { $0.stopped = true }
    }

    /// Runs the strategy until `stop()`, cancellation, or idleness.
    public func run() async throws -> Summary {
        try await self.tables.create()
        let connection = self.configuration.connection
        let remaining: @Sendable () async throws -> Int
        let runTask: Task<Void, Never>
        let stopRunner: @Sendable () -> Void
        switch self.configuration.strategy {
        case .lock:
            let runner = TimerLockRunner(
                lock: connection.lock(), key: AnalyserConnection.workName, interval: self.configuration.interval,
                ttl: self.configuration.ttl, onError: { self.report($0) },
                work: { lease in try await self.analysePending(lease: lease) })
            runTask = Task { await runner.run() }
            stopRunner = { runner.stop() }
            remaining = { try await self.pendingFiles().count }
        case .queue:
            let queue = try await connection.openQueue(lockTimeout: self.configuration.ttl)
            let runner = QueueListenerRunner(
                queue: queue, waitTimeout: min(self.configuration.interval, .seconds(5)),
                onError: { self.report($0) },
                handler: { message in try await self.analyseUnit(fileName: message.text) })
            runTask = Task { await runner.run() }
            stopRunner = { runner.stop() }
            remaining = { try await queue.readMessageCount() }
        case .jobs:
            let jobs = connection.jobs()
            let runner = TimerJobsRunner(
                jobs: jobs, type: AnalyserConnection.workName, interval: self.configuration.interval,
                timeout: self.configuration.ttl, onError: { self.report($0) },
                work: { job in
                    try await self.analyseUnit(fileName: job.params?["file"]?.stringValue ?? job.refId)
                })
            runTask = Task { await runner.run() }
            stopRunner = { runner.stop() }
            remaining = { try await Self.unfinishedJobs(jobs) }
        }
        await withTaskCancellationHandler {
            await self.watch(remaining: remaining)
        } onCancel: {
            self.stop()
        }
        stopRunner()
        await runTask.value
        let summary = self.summary
        self.log(
            AnalyserEvent(
                source: self.configuration.workerId, kind: "stopped",
                fields: [
                    ("recorded", String(summary.recorded)), ("failed", String(summary.failed)),
                    ("duplicates", String(summary.duplicates)), ("runs", String(summary.runs)),
                ]))
        return summary
    }

    // MARK: - The work

    /// The lock strategy's work: every file in the store not yet in `analyses`.
    private func analysePending(lease: LockLease) async throws {
        let startedAt = PreciseTimestamp.now()
        let pending = try await self.pendingFiles()
        var recorded = 0
        var duplicates = 0
        for name in pending {
            try Task.checkCancellation()
            guard lease.isValid else {
                throw LockError.leaseLost(key: lease.key, reason: "it ended during the analysis")
            }
            switch try await self.analyse(fileName: name, fence: lease.fencingToken) {
            case .recorded: recorded += 1
            case .duplicate: duplicates += 1
            }
        }
        try await self.finishRun(
            startedAt: startedAt, fence: lease.fencingToken, recorded: recorded, duplicates: duplicates,
            pendingBefore: pending.count)
    }

    /// The queue and jobs strategies' work: one named file.
    private func analyseUnit(fileName: String) async throws {
        let startedAt = PreciseTimestamp.now()
        let outcome = try await self.analyse(fileName: fileName, fence: nil)
        try await self.finishRun(
            startedAt: startedAt, fence: nil, recorded: outcome == .recorded ? 1 : 0,
            duplicates: outcome == .duplicate ? 1 : 0, pendingBefore: 1)
    }

    private func finishRun(
        startedAt: PreciseTimestamp, fence: Int64?, recorded: Int, duplicates: Int, pendingBefore: Int
    ) async throws {
        let run = RunRecord(
            strategy: self.configuration.strategy, id: UUID().uuidString.lowercased(),
            worker: self.configuration.workerId, fence: fence, startedAt: startedAt, finishedAt: PreciseTimestamp.now(),
            files: recorded, duplicates: duplicates)
        try await self.tables.log(run)
        let total = self.state.withLock { state -> Int in
            state.summary.runs += 1
            if pendingBefore > 0 { state.lastActivity = ContinuousClock.now }
            return state.summary.recorded
        }
        if self.configuration.strategy == .lock {
            var fields: [(name: String, value: String)] = [("fence", String(fence ?? 0)), ("files", String(recorded))]
            fields.append(("done", String(total)))
            self.log(AnalyserEvent(source: self.configuration.workerId, kind: "run", fields: fields))
        }
    }

    /// Analyses one file and records the result insert-only.
    private func analyse(fileName: String, fence: Int64?) async throws -> RecordOutcome {
        let analysis: ImageAnalysis
        do {
            analysis = ImageAnalysis(bytes: try await self.store.read(fileName))
        } catch {
            var unreadable = ImageAnalysis(bytes: [])
            unreadable.failure = "could not read the file: \(error)"
            analysis = unreadable
        }
        let outcome = try await self.tables.record(
            analysis, fileName: fileName, strategy: self.configuration.strategy, worker: self.configuration.workerId,
            fence: fence)
        let done = self.state.withLock { state -> Int in
            state.lastActivity = ContinuousClock.now
            switch outcome {
            case .recorded:
                state.summary.recorded += 1
                if !analysis.succeeded { state.summary.failed += 1 }
            case .duplicate:
                state.summary.duplicates += 1
            }
            return state.summary.recorded
        }
        var fields: [(name: String, value: String)] = [("file", fileName), ("done", String(done))]
        if let failure = analysis.failure { fields.append(("error", failure)) }
        if let fence { fields.append(("fence", String(fence))) }
        let kind = outcome == .duplicate ? "duplicate" : analysis.succeeded ? "analysed" : "failed"
        self.log(AnalyserEvent(source: self.configuration.workerId, kind: kind, fields: fields))
        return outcome
    }

    /// Files in the store without a result under this strategy.
    private func pendingFiles() async throws -> [String] {
        let files = try await self.store.fileNames()
        let recorded = try await self.tables.recordedNames(strategy: self.configuration.strategy)
        return files.filter { !recorded.contains($0) }
    }

    /// Jobs of the analysis type that are neither completed nor out of claims.
    private static func unfinishedJobs(_ jobs: JobsClient) async throws -> Int {
        var filter = JobsFilter()
        filter.type = AnalyserConnection.workName
        var unfinished = 0
        var skip = 0
        while true {
            let page = try await jobs.jobs(filter: filter, paging: PagingParams(skip: skip, take: 1000))
            unfinished += page.data.filter { $0.completed == nil && $0.retries < 10 }.count
            guard page.data.count == 1000 else { return unfinished }
            skip += 1000
        }
    }

    // MARK: - Idleness

    /// Returns when stopped, or when idle long enough with no work remaining.
    private func watch(remaining: @Sendable () async throws -> Int) async {
        var lastProgress = ContinuousClock.now
        while !self.state.withLock({ $0.stopped }) && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(250))
            let (lastActivity, done) = self.state.withLock { ($0.lastActivity, $0.summary.recorded) }
            let now = ContinuousClock.now
            let idleFor = now - lastActivity
            let wantsProgress = now - lastProgress >= .seconds(2)
            let mayExit = self.configuration.exitWhenIdle.map { idleFor >= $0 } ?? false
            guard wantsProgress || mayExit else { continue }
            guard let left = try? await remaining() else { continue }
            if wantsProgress {
                lastProgress = now
                self.log(
                    AnalyserEvent(
                        source: self.configuration.workerId, kind: "progress",
                        fields: [("done", String(done)), ("remaining", String(left))]))
            }
            if mayExit && left == 0 { return }
        }
    }

    private func report(_ error: any Error) {
        self.log(AnalyserEvent(source: self.configuration.workerId, kind: "error", fields: [("error", "\(error)")]))
    }
}
