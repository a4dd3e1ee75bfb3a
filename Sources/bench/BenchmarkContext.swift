//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// What every group of rows shares: the options, the report being written, the scratch
/// directory and the servers started on loopback.
final class BenchmarkContext {
    let options: BenchmarkOptions
    let report: BenchmarkReport
    /// Scratch space for configurations, logs and the emulator's data; removed at the end.
    let directory: URL
    let emulator: EmulatorUnderTest
    private var nginxServer: NginxServer?
    private var redisServer: RedisServer?
    private var missing: Set<String> = []

    init(options: BenchmarkOptions, report: BenchmarkReport) async throws {
        self.options = options
        self.report = report
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let executable = options.emulatorPath ?? Self.besideBench("storage-emulator")
        if let path = options.emulatorPath, !FileManager.default.isExecutableFile(atPath: path) {
            throw BenchmarkFailure("--emulator \(path) is not an executable")
        }
        self.emulator = try await EmulatorUnderTest(
            executable: FileManager.default.isExecutableFile(atPath: executable) ? executable : nil,
            logDirectory: self.directory)
        report.environment["emulator"] = self.emulator.description
        if !self.emulator.isChildProcess {
            report.note(
                "storage-emulator is not built beside bench, so the emulator runs inside bench; build it "
                    + "(`swift build -c release --product storage-emulator`) for memory figures of its own")
        }
    }

    /// nginx, started on first use; `nil` (with a note, once) when it is not installed.
    func nginx() async throws -> NginxServer? {
        if let nginxServer { return nginxServer }
        if self.missing.contains("nginx") { return nil }
        guard let executable = self.anchorExecutable("nginx", package: "nginx") else { return nil }
        let server: NginxServer
        do {
            server = try await NginxServer(executable: executable, directory: self.directory)
        } catch {
            // Noted once; the rows that need nginx are skipped, the others still run.
            self.missing.insert("nginx")
            self.report.note("skipped the nginx anchor: it did not start (\(error))")
            return nil
        }
        self.report.environment["nginx"] = server.version
        self.nginxServer = server
        return server
    }

    /// redis-server, started on first use; `nil` (with a note, once) when it is not installed.
    func redis() async throws -> RedisServer? {
        if let redisServer { return redisServer }
        if self.missing.contains("redis-server") { return nil }
        guard let executable = self.anchorExecutable("redis-server", package: "redis-server") else { return nil }
        let server: RedisServer
        do {
            server = try await RedisServer(executable: executable, directory: self.directory)
        } catch {
            self.missing.insert("redis-server")
            self.report.note("skipped the Redis anchor: redis-server did not start (\(error))")
            return nil
        }
        self.report.environment["redis"] = server.version
        self.redisServer = server
        return server
    }

    private func anchorExecutable(_ name: String, package: String) -> String? {
        if let path = ChildProcess.find(name) { return path }
        if self.missing.insert(name).inserted {
            self.report.note("skipped the \(name) anchor: install \(package) (`make bench` does)")
        }
        return nil
    }

    /// The standard measurement window of the options.
    var window: Measurement.Window {
        Measurement.Window(warmup: self.options.warmup, measured: self.options.window, limit: nil)
    }

    /// Measures one row if the filter selects it, prints it and adds it to the report.
    @discardableResult
    func row(
        _ group: String, _ operation: String, subject: String, isAnchor: Bool = false, anchor: String? = nil,
        concurrency: Int, window: Measurement.Window? = nil,
        operation body: @escaping @Sendable (Int, Int) async throws -> Void
    ) async throws -> BenchmarkRow? {
        guard self.options.selects(group: group, operation: operation) else { return nil }
        let sample = try await Measurement.run(
            concurrency: concurrency, window: window ?? self.window, operation: body)
        var row = BenchmarkRow(group: group, operation: operation, subject: subject, isAnchor: isAnchor, sample: sample)
        row.anchorSubject = anchor
        self.report.add(row)
        return row
    }

    /// One side of a comparison: who performs the operation, and how.
    struct Contender {
        var subject: String
        var isAnchor: Bool
        /// The subject of the row this one's rate is divided by.
        var anchorSubject: String?
        var operation: Measurement.Operation
        /// The row's operation when it differs from the comparison's, such as the same read on
        /// tables of different sizes.
        var rowOperation: String?
        /// The anchor's operation, when it differs from this contender's.
        var anchorOperation: String?
    }

    /// Measures the same operation by several contenders (Baton and its anchor) in alternating
    /// rounds — A B, B A, A B — and pools each one's rounds into one row, so that load from
    /// elsewhere on the machine, which drifts within seconds, weighs on both sides alike.
    func compare(_ group: String, _ operation: String, concurrency: Int, _ contenders: [Contender]) async throws {
        let names = contenders.map { $0.rowOperation ?? operation }
        guard names.contains(where: { self.options.selects(group: group, operation: $0) }) else { return }
        let rounds = self.options.rounds
        let window = Measurement.Window(
            warmup: self.options.warmup, measured: self.options.window / rounds, limit: nil)
        var timings = [[Measurement.Timings]](repeating: [], count: contenders.count)
        for round in 0..<rounds {
            let order = round.isMultiple(of: 2) ? Array(contenders.indices) : contenders.indices.reversed()
            for index in order {
                timings[index].append(
                    try await Measurement.time(
                        contenders[index].operation, concurrency: concurrency, window: window,
                        firstCall: round * 100_000_000))
            }
        }
        for (index, contender) in contenders.enumerated() {
            var row = BenchmarkRow(
                group: group, operation: names[index], subject: contender.subject, isAnchor: contender.isAnchor,
                sample: try Measurement.Timings.pooled(timings[index], concurrency: concurrency))
            row.anchorSubject = contender.anchorSubject
            row.anchorOperation = contender.anchorOperation
            self.report.add(row)
        }
    }

    /// Stops every server started and removes the scratch directory.
    func finish() {
        self.emulator.stop()
        self.nginxServer?.stop()
        self.redisServer?.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The path of `name` in the directory of the running `bench` executable.
    private static func besideBench(_ name: String) -> String {
        let bench = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return bench.deletingLastPathComponent().appendingPathComponent(name).path
    }
}
