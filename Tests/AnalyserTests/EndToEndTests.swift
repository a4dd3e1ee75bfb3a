//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Analyser
import Emulator
import Foundation
import StorageCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Three workers per strategy, each with its own clients, against an in-process emulator.
@Suite struct EndToEndTests {
    @Test(.timeLimit(.minutes(2)))
    func everyFileIsAnalysedExactlyOncePerStrategy() async throws {
        let (emulator, connection, _) = try Self.startEmulator()
        defer { emulator.shutdown() }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DirectoryFileStore(directory: directory)
        let images = ImageGenerator.batch(count: 30, prefix: "e2e")
        try await ImageUploader(store: store, connection: connection).upload(images.map { ($0.name, $0.bytes) })
        let corrupt = images.filter(\.isCorrupt).count

        let summaries = try await withThrowingTaskGroup(of: AnalysisWorker.Summary.self) { group in
            for strategy in AnalysisStrategy.allCases {
                for index in 1...3 {
                    var worker = AnalysisWorker.Configuration(
                        strategy: strategy, workerId: "\(strategy.rawValue)-\(index)", connection: connection)
                    worker.interval = strategy == .lock ? .milliseconds(200) : .milliseconds(50)
                    worker.ttl = .seconds(3)
                    worker.exitWhenIdle = .seconds(1)
                    let storeOfWorker = try DirectoryFileStore(directory: directory)
                    group.addTask { try await AnalysisWorker(configuration: worker, store: storeOfWorker).run() }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(summaries.count == 9)
        #expect(summaries.reduce(0) { $0 + $1.duplicates } == 0)

        for strategy in AnalysisStrategy.allCases {
            let report = try await AnalysisReport.make(store: store, connection: connection, strategy: strategy)
            #expect(report.files == images.count, "\(strategy)")
            #expect(report.missing.isEmpty, "\(strategy): missed \(report.missing)")
            #expect(report.duplicates == 0, "\(strategy)")
            #expect(report.analysed == images.count - corrupt, "\(strategy)")
            #expect(report.failed == corrupt, "\(strategy)")
            #expect(report.passed, "\(strategy): \(report.lines.joined(separator: "\n"))")
            if strategy == .lock {
                #expect(report.overlappingRuns == 0)
                #expect(report.fencesIncrease)
            }
        }
    }

    @Test("3 analyser processes per strategy, one of each killed with SIGKILL mid-work", .timeLimit(.minutes(2)))
    func killedWorkerProcesses() async throws {
        let executable = try #require(Self.analyserExecutable(), "analyser was not built")
        let (emulator, connection, connectionString) = try Self.startEmulator()
        defer { emulator.shutdown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DirectoryFileStore(directory: directory)
        let images = ImageGenerator.batch(count: 90, prefix: "kill")
        try await ImageUploader(store: store, connection: connection).upload(images.map { ($0.name, $0.bytes) })

        var processes: [String: Process] = [:]
        for strategy in AnalysisStrategy.allCases {
            for index in 1...3 {
                let process = Process()
                process.executableURL = executable
                process.arguments = [
                    "work", "--strategy", strategy.rawValue, "--store", directory.path, "--worker-id",
                    "\(strategy.rawValue)-\(index)", "--connection-string", connectionString, "--jobs-url",
                    connection.jobsURL, "--interval", strategy == .lock ? "200ms" : "20ms", "--ttl", "2s",
                    "--exit-when-idle", "1s",
                ]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                processes["\(strategy.rawValue)-\(index)"] = process
            }
        }
        defer { for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        // Kill the first worker of each strategy seen to have recorded a few files.
        var killed: [AnalysisStrategy: String] = [:]
        let deadline = ContinuousClock.now + .seconds(60)
        while killed.count < 3 && ContinuousClock.now < deadline {
            for strategy in AnalysisStrategy.allCases where killed[strategy] == nil {
                let report = try await AnalysisReport.make(store: store, connection: connection, strategy: strategy)
                if let (worker, _) = report.filesByWorker.first(where: { $0.value >= 5 }),
                    let process = processes[worker]
                {
                    kill(process.processIdentifier, SIGKILL)
                    killed[strategy] = worker
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(killed.count == 3)
        while processes.values.contains(where: \.isRunning) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        for (name, process) in processes where killed.values.contains(name) == false {
            #expect(!process.isRunning, "\(name) still running")
            if !process.isRunning { #expect(process.terminationStatus == 0, "\(name)") }
        }
        for strategy in AnalysisStrategy.allCases {
            let report = try await AnalysisReport.make(store: store, connection: connection, strategy: strategy)
            #expect(report.missing.isEmpty, "\(strategy): missed \(report.missing)")
            #expect(report.analysed + report.failed == images.count, "\(strategy)")
            #expect(report.passed, "\(strategy): \(report.lines.joined(separator: "\n"))")
        }
    }

    /// An in-process emulator with all three services on free ports, in memory.
    private static func startEmulator() throws -> (StorageEmulator, AnalyserConnection, String) {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = 0
        configuration.queuePort = 0
        configuration.jobsPort = 0
        configuration.inMemory = true
        configuration.jobsCleanInterval = .zero
        configuration.logLevel = .silent
        let emulator = try StorageEmulator(configuration: configuration)
        func url(_ service: String) -> String {
            emulator.endpoints.first { $0.service == service }?.url.absoluteString ?? ""
        }
        let connectionString =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + "TableEndpoint=\(url("Table"));QueueEndpoint=\(url("Queue"))"
        let account = try StorageAccount(connectionString: connectionString)
        let connection = AnalyserConnection(account: account, jobsURL: url("Jobs"))
        return (emulator, connection, connectionString)
    }

    /// The analyser executable next to the test bundle.
    private static func analyserExecutable() -> URL? {
        var directory = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("analyser")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
