//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The Table rows performed by the official Python SDK (`azure-data-tables`) against the same
/// emulator: what a Python service would get. Runs `emulator/bench/python_tables.py` and adds
/// the rows it prints.
struct PythonTablesAnchor {
    static let subject = "Python azure-data-tables → emulator"

    private struct Output: Decodable {
        struct Row: Decodable {
            let operation: String
            let concurrency: Int
            let operations: Int
            let operationsPerSecond: Double
            let p50Microseconds: Double
            let p99Microseconds: Double
        }
        let sdk: String
        let python: String
        let results: [Row]
    }

    /// Runs the script for one concurrency; a missing Python or script is noted once.
    func run(_ context: BenchmarkContext, concurrency: Int) async throws {
        var options = context.options
        options.pythonPath = Self.inRepository(options.pythonPath)
        options.pythonScript = Self.inRepository(options.pythonScript)
        guard TableBenchmark.operations.contains(where: { options.selects(group: "table", operation: $0) }) else {
            return
        }
        guard FileManager.default.isExecutableFile(atPath: options.pythonPath) else {
            guard concurrency == 1 else { return }
            context.report.note(
                "skipped the Python SDK anchor: no Python at \(options.pythonPath); run `make venv` (`make bench` "
                    + "does) or pass --python")
            return
        }
        guard FileManager.default.fileExists(atPath: options.pythonScript) else {
            guard concurrency == 1 else { return }
            context.report.note(
                "skipped the Python SDK anchor: \(options.pythonScript) not found; run bench from the repository root")
            return
        }
        try await self.run(context, options: options, concurrency: concurrency)
    }

    private func run(_ context: BenchmarkContext, options: BenchmarkOptions, concurrency: Int) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: options.pythonPath)
        process.arguments = [
            options.pythonScript, "--endpoint", context.emulator.tableEndpoint,
            "--seconds", "\(options.window.seconds)", "--warmup", "\(options.warmup.seconds)", "--concurrency",
            "\(concurrency)",
        ]
        let output = Pipe()
        process.standardOutput = output
        let errorLog = context.directory.appendingPathComponent("python.log")
        _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        // Reading the pipe blocks until the script ends: on a thread of its own.
        let data = await withCheckedContinuation { continuation in
            let reader = Thread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
            reader.name = "bench-python"
            reader.start()
        }
        guard process.terminationStatus == 0, let parsed = try? JSONDecoder().decode(Output.self, from: data) else {
            let log = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            context.report.note(
                "the Python SDK anchor failed (exit \(process.terminationStatus)): \(log.suffix(600))")
            return
        }
        context.report.environment["python sdk"] = "\(parsed.sdk) on Python \(parsed.python)"
        for result in parsed.results where options.selects(group: "table", operation: result.operation) {
            context.report.add(
                BenchmarkRow(
                    group: "table", operation: result.operation, subject: Self.subject, isAnchor: true,
                    concurrency: result.concurrency, operationsPerSecond: result.operationsPerSecond,
                    p50Microseconds: result.p50Microseconds, p99Microseconds: result.p99Microseconds,
                    samples: result.operations))
        }
    }

    /// A relative path as given when it exists from the working directory, or else from the
    /// repository `bench` was built in (the first directory above the executable holding
    /// `Package.swift`), so that bench finds its script when started from elsewhere.
    private static func inRepository(_ path: String) -> String {
        if path.hasPrefix("/") || FileManager.default.fileExists(atPath: path) { return path }
        var directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory.appendingPathComponent(path).path
            }
            directory = directory.deletingLastPathComponent()
        }
        return path
    }
}
