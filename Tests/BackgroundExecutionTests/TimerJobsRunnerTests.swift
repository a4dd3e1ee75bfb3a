//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation
import StorageClient
import StorageCore
import Synchronization
import Testing

@Suite("Timer + jobs runner", .timeLimit(.minutes(2)))
struct TimerJobsRunnerTests {
    /// Stops the runners and waits for them.
    private func stop(_ runners: [TimerJobsRunner], _ tasks: [Task<Void, Never>]) async {
        for runner in runners { runner.stop() }
        for task in tasks { await task.value }
    }

    /// Waits until `condition` holds or `limit` passes.
    private func wait(upTo limit: Duration, until condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test("three runners share 12 jobs: each is run and completed exactly once", arguments: JobsRunnerBackend.allCases)
    func eachJobOnce(backend: JobsRunnerBackend) async throws {
        let environment = try JobsRunnerEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let producer = JobProducer(jobs: try environment.makeClient(), type: "Analysis")
        for index in 0..<12 {
            _ = try await producer.add(referenceId: "file-\(index)", params: .number(index))
        }
        let runs = Mutex<[String: Int]>([:])
        let runners = try (0..<3).map { _ in
            TimerJobsRunner(
                jobs: try environment.makeClient(), type: "Analysis", interval: .milliseconds(30),
                timeout: .seconds(30)
            ) { job in
                runs.withLock { $0[job.refId, default: 0] += 1 }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        let jobs = try environment.makeClient()
        try await self.wait(upTo: .seconds(30)) {
            try await jobs.jobs().data.allSatisfy { $0.completed != nil }
        }
        try await Task.sleep(for: .milliseconds(300))  // a few empty ticks
        await self.stop(runners, tasks)

        let counts = runs.withLock { $0 }
        #expect(counts.count == 12)
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts)")
        let stored = try await jobs.jobs().data
        #expect(stored.allSatisfy { $0.completed != nil && $0.retries == 1 })
        let statistics = runners.map(\.statistics)
        #expect(statistics.map(\.completed).reduce(0, +) == 12)
        #expect(statistics.map(\.claimed).reduce(0, +) == 12)
        #expect(statistics.map(\.failures).reduce(0, +) == 0)
        #expect(statistics.map(\.skippedNothingToClaim).reduce(0, +) > 0)
    }

    @Test("failing work aborts the job, which is then retried", arguments: JobsRunnerBackend.allCases)
    func failureRetries(backend: JobsRunnerBackend) async throws {
        let environment = try JobsRunnerEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = try environment.makeClient()
        let job = try await JobProducer(jobs: jobs, type: "Flaky").add(referenceId: "once", unique: true)
        let attempts = Mutex(0)
        let errors = Mutex<[String]>([])
        struct Flaked: Error {}
        let runner = TimerJobsRunner(
            jobs: jobs, type: "Flaky", interval: .milliseconds(50), timeout: .seconds(30),
            onError: { error in errors.withLock { $0.append("\(error)") } },
            work: { _ in
                let attempt = attempts.withLock { value -> Int in
                    value += 1
                    return value
                }
                if attempt == 1 { throw Flaked() }
            })
        let task = Task { await runner.run() }
        try await self.wait(upTo: .seconds(30)) { try await jobs.job(id: job.id)?.completed != nil }
        await self.stop([runner], [task])

        let stored = try #require(try await jobs.job(id: job.id))
        #expect(stored.completed != nil && stored.retries == 2)
        #expect(attempts.withLock { $0 } == 2)
        let statistics = runner.statistics
        #expect(statistics.aborted == 1 && statistics.completed == 1 && statistics.failures == 1)
        #expect(errors.withLock { $0.count } == 1)
    }

    @Test("work longer than the timeout keeps the job locked by extending it", arguments: JobsRunnerBackend.allCases)
    func longWorkExtends(backend: JobsRunnerBackend) async throws {
        let environment = try JobsRunnerEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let jobs = try environment.makeClient()
        let job = try await jobs.addJob(NewJob(type: "Slow", refId: "big"))
        let runs = Mutex(0)
        let runners = try (0..<2).map { _ in
            TimerJobsRunner(
                jobs: try environment.makeClient(), type: "Slow", interval: .milliseconds(100),
                timeout: .milliseconds(1200)
            ) { _ in
                runs.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(3600))  // three timeouts
            }
        }
        let tasks = runners.map { runner in Task { await runner.run() } }
        try await self.wait(upTo: .seconds(30)) { try await jobs.job(id: job.id)?.completed != nil }
        await self.stop(runners, tasks)

        #expect(runs.withLock { $0 } == 1, "the job must not be claimed a second time while it runs")
        let statistics = runners.map(\.statistics)
        #expect(statistics.map(\.lockExtensions).reduce(0, +) >= 2)
        #expect(statistics.map(\.lostLocks).reduce(0, +) == 0)
        #expect(statistics.map(\.completed).reduce(0, +) == 1)
        #expect(try await jobs.job(id: job.id)?.retries == 1)
    }

    @Test("stop waits for the job in progress, which is then completed")
    func gracefulStop() async throws {
        let jobs = MemoryJobsClient()
        let job = try await jobs.addJob(NewJob(type: "Graceful", refId: "r"))
        let finished = Mutex(false)
        let runner = TimerJobsRunner(jobs: jobs, type: "Graceful", interval: .seconds(10), timeout: .seconds(5)) {
            _ in
            try await Task.sleep(for: .milliseconds(300))
            finished.withLock { $0 = true }
        }
        let task = Task { await runner.run() }
        try await self.wait(upTo: .seconds(10)) { runner.statistics.claimed == 1 }
        runner.stop()
        await task.value
        #expect(finished.withLock { $0 })
        #expect(try await jobs.job(id: job.id)?.completed != nil)
        #expect(runner.statistics.ticks == 1)
    }

    @Test("a lost claim cancels the work and leaves the job to the new claimant")
    func lostClaim() async throws {
        let jobs = MemoryJobsClient()
        let job = try await jobs.addJob(NewJob(type: "Stolen", refId: "r"))
        let cancelled = Mutex(false)
        let runner = TimerJobsRunner(jobs: jobs, type: "Stolen", interval: .seconds(10), timeout: .milliseconds(600)) {
            _ in
            do {
                try await Task.sleep(for: .seconds(20))
            } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
        }
        let task = Task { await runner.run() }
        try await self.wait(upTo: .seconds(10)) { runner.statistics.claimed == 1 }
        // Another worker takes the job over: abort the current claim without its token, then claim it.
        _ = try await jobs.abortJob(id: job.id, lockToken: nil)
        let thief = try #require(try await jobs.startJob(id: job.id, timeout: .seconds(60)))
        try await self.wait(upTo: .seconds(10)) { runner.statistics.lostLocks == 1 }
        runner.stop()
        await task.value
        #expect(cancelled.withLock { $0 })
        let stored = try #require(try await jobs.job(id: job.id))
        #expect(stored.lockToken == thief.lockToken && stored.completed == nil)
        #expect(runner.statistics.completed == 0 && runner.statistics.aborted == 0)
    }

    @Test("a completion refused for a stale token counts as a lost lock, not a completion")
    func staleCompletion() async throws {
        let jobs = MemoryJobsClient()
        let job = try await jobs.addJob(NewJob(type: "Late", refId: "r"))
        let errors = Mutex<[JobsError]>([])
        let runner = TimerJobsRunner(
            jobs: jobs, type: "Late", interval: .seconds(10), timeout: .seconds(60),
            onError: { error in if let error = error as? JobsError { errors.withLock { $0.append(error) } } },
            work: { _ in try await Task.sleep(for: .milliseconds(600)) })
        let task = Task { await runner.run() }
        try await self.wait(upTo: .seconds(10)) { runner.statistics.claimed == 1 }
        _ = try await jobs.abortJob(id: job.id, lockToken: nil)
        _ = try #require(try await jobs.startJob(id: job.id, timeout: .seconds(60)))
        try await self.wait(upTo: .seconds(10)) { runner.statistics.lostLocks == 1 }
        runner.stop()
        await task.value
        #expect(runner.statistics.completed == 0)
        #expect(errors.withLock { $0.map(\.code) } == [JobsError.lockTokenMismatchCode])
        #expect(try await jobs.job(id: job.id)?.completed == nil)
    }

    @Test("producers adding the same unique job at once make one job", arguments: JobsRunnerBackend.allCases)
    func uniqueProducers(backend: JobsRunnerBackend) async throws {
        let environment = try JobsRunnerEnvironment(backend)
        defer { withExtendedLifetime(environment) {} }
        let producers = try (0..<6).map { _ in
            JobProducer(jobs: try environment.makeClient(), type: "Daily", ttl: .seconds(3600), correlationId: "p")
        }
        let identifiers = try await withThrowingTaskGroup(of: String.self) { group in
            for producer in producers {
                group.addTask { try await producer.add(referenceId: "2026-12-04", unique: true).id }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(identifiers.count == 1)
        let stored = try await environment.makeClient().jobs().data
        #expect(stored.count == 1)
        let job = try #require(stored.first)
        let executeUntil = try #require(job.executeUntil)
        #expect(abs(executeUntil.timeIntervalSince(job.created) - 3600) < 0.01)
    }
}
