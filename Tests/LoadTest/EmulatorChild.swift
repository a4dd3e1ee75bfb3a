//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A `storage-emulator` process started for the load test, with its endpoints and memory use.
final class EmulatorChild: Sendable {
    /// The Table, Queue and Jobs base URLs the emulator printed, by service name.
    let endpoints: [String: String]
    /// The child's process id, whose `/proc/<pid>/status` gives its resident memory.
    let processIdentifier: Int32
    /// The running process.
    private let process: Process
    /// The data directory, removed by ``stop()``.
    private let location: URL

    /// Starts the emulator on free ports over a fresh data directory and waits for its
    /// "listening" lines.
    ///
    /// - Parameter extraArguments: Further flags, such as `--max-requests-in-flight 8`.
    init(executable: String, extraArguments: [String]) throws {
        let location = FileManager.default.temporaryDirectory.appendingPathComponent("baton-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: location, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            ["--table-port", "0", "--queue-port", "0", "--jobs-port", "0", "--location", location.path]
            + extraArguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var endpoints: [String: String] = [:]
        var buffer = Data()
        let reader = output.fileHandleForReading
        while endpoints.count < 3 {
            let chunk = reader.availableData
            guard !chunk.isEmpty else {
                process.terminate()
                throw LoadTestFailure("storage-emulator exited before announcing its services")
            }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                // "Table service listening on http://127.0.0.1:PORT/devstoreaccount1"
                let words = line.split(separator: " ")
                if words.count == 5, words[1] == "service" {
                    endpoints[String(words[0])] = String(words[4])
                }
            }
        }
        self.endpoints = endpoints
        self.processIdentifier = process.processIdentifier
        self.process = process
        self.location = location
    }

    /// The port of a service's endpoint.
    func port(of service: String) -> Int {
        self.endpoints[service].flatMap { URL(string: $0)?.port } ?? 0
    }

    /// The child's resident memory in KiB (`VmRSS`), or 0 once it has gone.
    func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(self.processIdentifier)/status", encoding: .utf8)
        else {
            return 0
        }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Sends SIGTERM, waits for the clean exit, and removes the data directory.
    ///
    /// - Returns: The exit status; 0 after a clean shutdown.
    func stop() -> Int32 {
        self.process.terminate()
        self.process.waitUntilExit()
        try? FileManager.default.removeItem(at: self.location)
        return self.process.terminationStatus
    }
}

/// Why the load test could not run or did not pass.
struct LoadTestFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
