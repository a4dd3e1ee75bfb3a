//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageCore

/// The storage emulator being measured, on disk in a temporary directory, as users run it.
///
/// Preferably the `storage-emulator` executable as a child process, so that its resident memory
/// is its own and its threads do not share a process with the load generator. When the
/// executable is missing (`swift run bench` builds only `bench`), the emulator runs inside
/// `bench`, and memory figures then include `bench` itself.
final class EmulatorUnderTest {
    /// Where the stores live; kept across ``restart()``.
    let location: URL
    private let executable: String?
    private let logDirectory: URL
    private var child: ChildProcess?
    private var inProcess: StorageEmulator?
    /// The account with Table and Queue endpoints.
    private(set) var account: StorageAccount
    /// The Table endpoint, such as `http://127.0.0.1:41234/devstoreaccount1`.
    private(set) var tableEndpoint: String
    /// The Jobs base URL, such as `http://127.0.0.1:41236`.
    private(set) var jobsBaseURL: String

    /// Starts an emulator on free ports over a new temporary directory.
    init(executable: String?, logDirectory: URL) async throws {
        self.location = logDirectory.appendingPathComponent("emulator-data")
        self.executable = executable
        self.logDirectory = logDirectory
        self.account = StorageAccount.developmentStorage
        self.tableEndpoint = ""
        self.jobsBaseURL = ""
        try await self.start()
    }

    /// How the emulator runs, for the report.
    var description: String {
        if let child {
            "storage-emulator child process (pid \(child.processIdentifier)), SQLite on disk"
        } else {
            "emulator inside bench (storage-emulator not built), SQLite on disk"
        }
    }

    /// Whether memory figures are the emulator's alone.
    var isChildProcess: Bool { self.child != nil }

    /// The emulator's resident memory, or that of `bench` with the emulator inside it.
    var residentMemoryBytes: Int? {
        if let child { child.residentMemoryBytes } else { ChildProcess.residentMemoryBytes(ofProcess: "self") }
    }

    /// Stops the emulator, closing its databases, so that they may be changed on disk.
    func stop() {
        self.child?.stop()
        self.child = nil
        self.inProcess?.shutdown()
        self.inProcess = nil
    }

    /// Stops and starts the emulator over the same data; the ports change.
    func restart() async throws {
        self.stop()
        try await self.start()
    }

    private func start() async throws {
        let lines: [String]
        if let executable {
            let child = try ChildProcess(
                name: "storage-emulator", executable: executable,
                arguments: [
                    "--table-port", "0", "--queue-port", "0", "--jobs-port", "0", "--location", self.location.path,
                    "--log-level", "error",
                ], logDirectory: self.logDirectory, capturesOutput: true)
            self.child = child
            lines = await child.readLines { $0.count(where: { $0.contains(" listening on ") }) >= 3 }
        } else {
            var configuration = StorageEmulator.Configuration()
            configuration.tablePort = 0
            configuration.queuePort = 0
            configuration.jobsPort = 0
            configuration.location = self.location
            configuration.logLevel = .error
            let emulator = try StorageEmulator(configuration: configuration)
            self.inProcess = emulator
            lines = emulator.listeningLines
        }
        func endpoint(_ service: String) throws -> URL {
            guard let line = lines.first(where: { $0.hasPrefix("\(service) service listening on ") }),
                let url = URL(string: String(line.dropFirst("\(service) service listening on ".count)))
            else { throw BenchmarkFailure("the emulator did not start its \(service) service: \(lines)") }
            return url
        }
        let table = try endpoint("Table")
        let queue = try endpoint("Queue")
        let jobs = try endpoint("Jobs")
        guard case .sharedKey(let key) = StorageAccount.developmentStorage.credential else {
            throw BenchmarkFailure("the development account has no shared key")
        }
        self.account = try StorageAccount(
            connectionString: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
                + key.base64EncodedString + ";TableEndpoint=\(table.absoluteString)"
                + ";QueueEndpoint=\(queue.absoluteString)")
        self.tableEndpoint = table.absoluteString
        self.jobsBaseURL = "http://127.0.0.1:\(jobs.port ?? 0)"
    }

    deinit {
        self.stop()
    }
}
