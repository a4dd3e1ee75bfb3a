//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A server `bench` starts and stops: nginx, redis-server or the storage emulator.
///
/// The child is stopped with SIGTERM (then SIGKILL) by ``stop()``, which the owner calls at
/// the end of its group; the operating system reaps it if `bench` dies first.
final class ChildProcess {
    let name: String
    private let process: Process
    private let output: Pipe

    /// Starts `executable` with `arguments`; its standard error (and its standard output,
    /// unless `capturesOutput` keeps that for ``readLines(until:)``) goes to a file in
    /// `logDirectory`, so that a failure to start can be explained.
    init(name: String, executable: String, arguments: [String], logDirectory: URL, capturesOutput: Bool = false) throws
    {
        self.name = name
        self.process = Process()
        self.output = Pipe()
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        let log = logDirectory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let logHandle = try FileHandle(forWritingTo: log)
        self.process.standardError = logHandle
        self.process.standardOutput = capturesOutput ? self.output : logHandle
        try self.process.run()
    }

    var processIdentifier: Int32 { self.process.processIdentifier }

    /// The resident set size of the child, from `/proc/<pid>/status`.
    var residentMemoryBytes: Int? { Self.residentMemoryBytes(ofProcess: "\(self.process.processIdentifier)") }

    /// Reads lines of the child's standard output until `isComplete` accepts them or the
    /// output ends; on a thread of its own, as reading a pipe blocks.
    func readLines(until isComplete: @escaping @Sendable ([String]) -> Bool) async -> [String] {
        let handle = self.output.fileHandleForReading
        return await withCheckedContinuation { continuation in
            let reader = Thread {
                var text = ""
                var lines: [String] = []
                while !isComplete(lines) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                    lines = text.split(separator: "\n").map(String.init)
                }
                continuation.resume(returning: lines)
            }
            reader.name = "bench-read-\(self.name)"
            reader.start()
        }
    }

    /// Waits until the child accepts TCP connections on `port`, or fails after 10 seconds.
    func waitUntilListening(port: Int) async throws {
        for _ in 0..<1_000 {
            guard self.process.isRunning else {
                throw BenchmarkFailure("\(self.name) exited at start with status \(self.process.terminationStatus)")
            }
            if LoopbackPort.accepts(port) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw BenchmarkFailure("\(self.name) did not listen on port \(port) within 10 seconds")
    }

    /// Sends SIGTERM, waits up to 10 seconds, then SIGKILL.
    func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        for _ in 0..<1_000 where self.process.isRunning {
            usleep(10_000)
        }
        if self.process.isRunning {
            kill(self.process.processIdentifier, SIGKILL)
        }
        self.process.waitUntilExit()
    }

    deinit {
        // A server whose start failed half-way must not outlive bench.
        self.stop()
    }

    /// `VmRSS` of a process (`self` or a pid) in bytes.
    static func residentMemoryBytes(ofProcess process: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1_024
    }

    /// The full path of `name` found on `PATH` or in the sbin directories, where Debian puts
    /// nginx.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/local/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
