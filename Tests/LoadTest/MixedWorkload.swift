//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageClient
import StorageCore

/// One load worker's round of operations on all three services, repeated until a deadline.
///
/// Each round is an entity's life (insert, read, replace under its ETag, query, delete), a
/// message's (put, get, delete) and a job's (add, claim by type, complete with the lock token).
/// The worker owns its partition, so a conflict or a missing entity is a real error; messages
/// and jobs are shared by all workers, so finding none to get or claim is not.
struct MixedWorkload: Sendable {
    /// The worker's number, which names its partition.
    let worker: Int
    let table: TableClient
    let queue: QueueClient
    let jobs: JobsClient
    let recorder: LoadRecorder

    /// Runs rounds until `deadline`.
    func run(until deadline: ContinuousClock.Instant) async {
        var round = 0
        while ContinuousClock.now < deadline {
            await self.entityRound(round)
            await self.messageRound(round)
            await self.jobRound(round)
            round += 1
        }
    }

    /// Runs `body`, recording its success or failure under `operation`; `nil` when it failed.
    private func measure<Result: Sendable>(
        _ operation: String, _ body: () async throws -> Result
    ) async -> Result? {
        do {
            let result = try await body()
            self.recorder.succeeded(operation)
            return result
        } catch {
            self.recorder.failed(operation, error)
            return nil
        }
    }

    private func entityRound(_ round: Int) async {
        let partition = "worker\(self.worker)"
        let row = "row\(round)"
        let entity = TableEntity(
            partitionKey: partition, rowKey: row,
            properties: ["Round": .int32(Int32(truncatingIfNeeded: round)), "Payload": .string("load test entity")])
        guard await self.measure("table insert", { try await self.table.insert(entity) }) != nil else { return }
        guard
            let read = await self.measure(
                "table read", { try await self.table.entity(partitionKey: partition, rowKey: row) })
        else { return }
        var replaced = entity
        replaced.properties["Replaced"] = .boolean(true)
        _ = await self.measure("table replace") {
            try await self.table.update(replaced, mode: .replace, ifMatch: .etag(read.etag))
        }
        _ = await self.measure("table query") {
            var found = 0
            let filter = "PartitionKey eq '\(partition)' and RowKey eq '\(row)'"
            for try await _ in self.table.query(rawFilter: filter) {
                found += 1
            }
            guard found == 1 else {
                throw LoadTestFailure("query for \(partition)/\(row) found \(found) entities, not 1")
            }
            return found
        }
        _ = await self.measure("table delete") {
            try await self.table.delete(partitionKey: partition, rowKey: row, ifMatch: .any)
        }
    }

    private func messageRound(_ round: Int) async {
        guard await self.measure("queue put", { try await self.queue.send("message \(self.worker)-\(round)") }) != nil
        else { return }
        guard let messages = await self.measure("queue get", { try await self.queue.receive(count: 1) }) else {
            return
        }
        for message in messages {
            guard let popReceipt = message.popReceipt else { continue }
            _ = await self.measure("queue delete") {
                try await self.queue.delete(messageId: message.messageId, popReceipt: popReceipt)
            }
        }
    }

    private func jobRound(_ round: Int) async {
        let newJob = NewJob(type: "load", refId: "job-\(self.worker)-\(round)")
        guard await self.measure("jobs add", { try await self.jobs.addJob(newJob, correlationId: nil) }) != nil else {
            return
        }
        guard
            let claimed = await self.measure(
                "jobs claim", { try await self.jobs.startJob(type: "load", timeout: .seconds(60), correlationId: nil) }),
            let job = claimed
        else { return }
        _ = await self.measure("jobs complete") {
            try await self.jobs.completeJob(id: job.id, lockToken: job.lockToken, correlationId: nil)
        }
    }
}
