//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore

// The load harness: a `storage-emulator` child process under many concurrent workers doing mixed
// Table, Queue and Jobs operations, with its resident memory sampled throughout; then a second
// emulator with a small admission limit, filled by stalled uploads, to show that beyond capacity
// it answers 503 ServerBusy at once (and recovers) instead of queueing without bound. Exits 1 if
// any operation failed unexpectedly, no 503 was seen under overload, or memory passed the bound.

func option(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return nil
    }
    return CommandLine.arguments[index + 1]
}

let usage = """
    usage: load-test --emulator PATH [--workers N] [--seconds S] [--overload-seconds S] [--max-rss-mb M]

      --emulator PATH        the storage-emulator executable
      --workers N            concurrent workers, each with its own requests in flight (default 64)
      --seconds S            length of the load phase (default 60)
      --overload-seconds S   length of the overload phase (default 10)
      --max-rss-mb M         the emulator's resident memory must stay below this (default 512)
    """

guard let emulatorPath = option("--emulator") else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(2)
}
let workerCount = option("--workers").flatMap(Int.init) ?? 64
let loadSeconds = option("--seconds").flatMap(Int.init) ?? 60
let overloadSeconds = option("--overload-seconds").flatMap(Int.init) ?? 10
let maximumResidentMegabytes = option("--max-rss-mb").flatMap(Int.init) ?? 512

/// Clients for `workerCount` workers over a few transports, so no single libcurl thread limits
/// the load; and the table and queue they share, created.
func makeWorkloads(
    _ emulator: EmulatorChild, recorder: LoadRecorder, firstWorker: Int, transports: [CurlTransport]
) async throws -> [MixedWorkload] {
    let connectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
        + "TableEndpoint=\(emulator.endpoints["Table"] ?? "");QueueEndpoint=\(emulator.endpoints["Queue"] ?? "");"
    let jobsURL = "http://127.0.0.1:\(emulator.port(of: "Jobs"))"
    var workloads: [MixedWorkload] = []
    for worker in firstWorker..<(firstWorker + workerCount) {
        let transport = transports[worker % transports.count]
        let table = try TableClient(connectionString: connectionString, tableName: "load", transport: transport)
        let queue = try QueueClient(connectionString: connectionString, queueName: "load", transport: transport)
        let jobs = JobsClient(configuration: JobsClient.Configuration(baseURL: jobsURL), transport: transport)
        if workloads.isEmpty {
            _ = try await table.createTableIfNotExists()
            _ = try await queue.createIfNotExists()
        }
        workloads.append(MixedWorkload(worker: worker, table: table, queue: queue, jobs: jobs, recorder: recorder))
    }
    return workloads
}

/// Runs every workload concurrently for `seconds`.
func run(_ workloads: [MixedWorkload], seconds: Int) async {
    let deadline = ContinuousClock.now + .seconds(seconds)
    await withTaskGroup(of: Void.self) { group in
        for workload in workloads {
            group.addTask { await workload.run(until: deadline) }
        }
    }
}

func megabytes(_ kilobytes: Int) -> String {
    String(format: "%.1f MiB", Double(kilobytes) / 1024)
}

var failures: [String] = []
let transports = (0..<4).map { _ in
    CurlTransport(configuration: CurlTransport.Configuration(maximumIdleConnections: workerCount * 3))
}

// MARK: Load

do {
    let emulator = try EmulatorChild(executable: emulatorPath, extraArguments: [])
    let recorder = LoadRecorder()
    let workloads = try await makeWorkloads(emulator, recorder: recorder, firstWorker: 0, transports: transports)
    let residentAtStart = emulator.residentKilobytes()
    let sampler = MemorySampler { emulator.residentKilobytes() }
    let clock = ContinuousClock()
    let started = clock.now
    await run(workloads, seconds: loadSeconds)
    let elapsed = clock.now - started
    let (peak, perSecond) = sampler.stop()
    let residentAtEnd = emulator.residentKilobytes()
    let status = emulator.stop()
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let total = recorder.totalOperations
    let midpoint = perSecond.isEmpty ? 0 : perSecond[perSecond.count / 2]
    print("load: \(workerCount) workers for \(String(format: "%.1f", seconds)) s against \(emulatorPath)")
    print(
        "load: \(total) operations, \(String(format: "%.0f", Double(total) / seconds)) per second, "
            + "\(recorder.unexpected) unexpected errors, \(recorder.serverBusy) answered 503")
    for (operation, count) in recorder.operations.sorted(by: { $0.key < $1.key }) {
        print("load:   \(operation): \(count)")
    }
    print(
        "load: emulator RSS start \(megabytes(residentAtStart)), at half time \(megabytes(midpoint)), "
            + "peak \(megabytes(peak)), end \(megabytes(residentAtEnd)); clean exit: \(status == 0)")
    print("load: client connections opened: \(transports.map(\.connectionsOpened).reduce(0, +))")
    for example in recorder.examples {
        print("load:   error: \(example)")
    }
    if recorder.unexpected > 0 { failures.append("\(recorder.unexpected) unexpected errors under load") }
    if recorder.serverBusy > 0 { failures.append("\(recorder.serverBusy) requests answered 503 under normal load") }
    if peak > maximumResidentMegabytes * 1024 {
        failures.append("emulator RSS peaked at \(megabytes(peak)), over \(maximumResidentMegabytes) MiB")
    }
    if status != 0 { failures.append("the emulator exited with status \(status) after the load phase") }
} catch {
    failures.append("load phase could not run: \(error)")
}

// MARK: Overload

do {
    let admissionLimit = 8
    let emulator = try EmulatorChild(
        executable: emulatorPath,
        extraArguments: [
            "--max-requests-in-flight", "\(admissionLimit)", "--request-timeout", "\((overloadSeconds + 30) * 1000)",
            // The stalled uploads closing at the end would each log a warning.
            "--log-level", "error",
        ])
    let recorder = LoadRecorder()
    let workloads = try await makeWorkloads(emulator, recorder: recorder, firstWorker: 1000, transports: transports)
    let residentAtStart = emulator.residentKilobytes()
    let sampler = MemorySampler { emulator.residentKilobytes() }
    // Twice the admission limit per service: half hold every place, the rest wait to be refused.
    let stalled = [
        SlowUploads(
            count: admissionLimit * 2, port: emulator.port(of: "Table"), path: "/devstoreaccount1/load",
            declaredBytes: 1024 * 1024),
        SlowUploads(
            count: admissionLimit * 2, port: emulator.port(of: "Queue"), path: "/devstoreaccount1/load/messages",
            declaredBytes: 512 * 1024),
        SlowUploads(
            count: admissionLimit * 2, port: emulator.port(of: "Jobs"), path: "/v1/jobs/add_job",
            declaredBytes: 1024 * 1024),
    ]
    let stalledCount = stalled.map(\.count).reduce(0, +)
    try await Task.sleep(for: .milliseconds(500))
    await run(workloads, seconds: overloadSeconds)
    let busy = recorder.serverBusy
    let unexpectedUnderOverload = recorder.unexpected
    let completedUnderOverload = recorder.totalOperations
    for uploads in stalled { uploads.close() }
    try await Task.sleep(for: .milliseconds(500))
    let recovery = LoadRecorder()
    let recoveryWorkloads = try await makeWorkloads(
        emulator, recorder: recovery, firstWorker: 2000, transports: transports)
    await run(recoveryWorkloads, seconds: 3)
    let (peak, _) = sampler.stop()
    let residentAtEnd = emulator.residentKilobytes()
    let status = emulator.stop()
    print(
        "overload: admission limit \(admissionLimit) per service, \(stalledCount) stalled uploads, "
            + "\(workerCount) workers for \(overloadSeconds) s")
    print(
        "overload: \(busy) requests answered 503 ServerBusy, \(completedUnderOverload) completed, "
            + "\(unexpectedUnderOverload) unexpected errors")
    print(
        "overload: emulator RSS start \(megabytes(residentAtStart)), peak \(megabytes(peak)), "
            + "end \(megabytes(residentAtEnd)); clean exit: \(status == 0)")
    print(
        "overload: after the stalled uploads closed, \(recovery.totalOperations) operations completed, "
            + "\(recovery.serverBusy) answered 503, \(recovery.unexpected) unexpected errors")
    for example in recorder.examples + recovery.examples {
        print("overload:   error: \(example)")
    }
    if busy == 0 { failures.append("no request was answered 503 under overload") }
    if unexpectedUnderOverload > 0 { failures.append("\(unexpectedUnderOverload) unexpected errors under overload") }
    if recovery.totalOperations == 0 || recovery.unexpected > 0 || recovery.serverBusy > 0 {
        failures.append("the emulator did not recover after the overload")
    }
    if peak > maximumResidentMegabytes * 1024 {
        failures.append("emulator RSS peaked at \(megabytes(peak)) under overload")
    }
    if status != 0 { failures.append("the emulator exited with status \(status) after the overload phase") }
} catch {
    failures.append("overload phase could not run: \(error)")
}

for transport in transports { transport.shutdown() }
if failures.isEmpty {
    print("load-test: passed")
    exit(0)
}
for failure in failures {
    print("load-test: FAILED: \(failure)")
}
exit(1)
