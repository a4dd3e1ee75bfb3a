//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Analyser
import Emulator
import Foundation
import StorageCore
import Testing

/// The analyser against an emulator that drops answers after applying writes, refuses requests
/// with 503 and 500, and delays them: every file is still recorded exactly once.
@Suite struct AnalyserFaultToleranceTests {
    @Test("two workers per strategy under faults: every file recorded exactly once", .timeLimit(.minutes(3)))
    func exactlyOnceUnderFaults() async throws {
        var configuration = StorageEmulator.Configuration()
        configuration.tablePort = 0
        configuration.queuePort = 0
        configuration.jobsPort = 0
        configuration.inMemory = true
        configuration.jobsCleanInterval = .zero
        configuration.faults = try FaultSpec(parsing: "busy=0.05,internal=0.02,drop=0.05,latency=0.1:5ms")
        configuration.faultsSeed = 5
        configuration.logLevel = .silent
        let emulator = try StorageEmulator(configuration: configuration)
        defer { emulator.shutdown() }
        func url(_ service: String) -> String {
            emulator.endpoints.first { $0.service == service }?.url.absoluteString ?? ""
        }
        let account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + "TableEndpoint=\(url("Table"));QueueEndpoint=\(url("Queue"))")
        let connection = AnalyserConnection(account: account, jobsURL: url("Jobs"))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("analyser-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DirectoryFileStore(directory: directory)
        let images = ImageGenerator.batch(count: 20, prefix: "faults")
        try await ImageUploader(store: store, connection: connection).upload(images.map { ($0.name, $0.bytes) })

        try await withThrowingTaskGroup(of: AnalysisWorker.Summary.self) { group in
            for strategy in AnalysisStrategy.allCases {
                for index in 1...2 {
                    var worker = AnalysisWorker.Configuration(
                        strategy: strategy, workerId: "\(strategy.rawValue)-\(index)", connection: connection)
                    worker.interval = strategy == .lock ? .milliseconds(200) : .milliseconds(50)
                    worker.ttl = .seconds(3)
                    worker.exitWhenIdle = .seconds(1)
                    let storeOfWorker = try DirectoryFileStore(directory: directory)
                    group.addTask { try await AnalysisWorker(configuration: worker, store: storeOfWorker).run() }
                }
            }
            try await group.waitForAll()
        }
        #expect(emulator.faultInjector.counters.drop > 0, "\(emulator.faultInjector.counters)")
        emulator.faultInjector.setSpec(FaultSpec())

        for strategy in AnalysisStrategy.allCases {
            let report = try await AnalysisReport.make(store: store, connection: connection, strategy: strategy)
            #expect(report.files == images.count, "\(strategy)")
            #expect(report.analysed + report.failed == images.count, "\(strategy): one row per file")
            #expect(report.passed, "\(strategy): \(report.lines.joined(separator: "\n"))")
            if strategy == .lock {
                #expect(report.duplicates == 0)
                #expect(report.overlappingRuns == 0)
                #expect(report.fencesIncrease)
            }
        }
    }
}
