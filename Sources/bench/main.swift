//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

// Baton's speed beside its anchors, as ratios taken in one run: these machines are noisy, and
// absolute numbers drift between runs while ratios within a run hold. Run in release mode:
// `swift run -c release bench` or `make bench`.

if CommandLine.arguments.contains(where: { $0 == "-h" || $0 == "--help" }) {
    print(BenchmarkOptions.usage)
    exit(0)
}
let options: BenchmarkOptions
do {
    options = try BenchmarkOptions(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n\n\(BenchmarkOptions.usage)\n".utf8))
    exit(2)
}

// A server that dies under load must not kill bench with SIGPIPE before it stops the others.
signal(SIGPIPE, SIG_IGN)

#if DEBUG
    Console.line("warning: a debug build; run `swift run -c release bench` or `make bench` for real numbers")
#endif

let report = BenchmarkReport()
report.environment = MachineDescription.current()
let context: BenchmarkContext
do {
    context = try await BenchmarkContext(options: options, report: report)
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
var failed = false
do {
    report.recordMemory("emulator at start, empty", bytes: context.emulator.residentMemoryBytes)
    try await TransportBenchmark().run(context)
    try await TableBenchmark().run(context)
    try await LockBenchmark().run(context)
    try await QueueBenchmark().run(context)
    try await JobsBenchmark().run(context)
    report.recordMemory(
        "emulator after the table, lock, queue and jobs rows", bytes: context.emulator.residentMemoryBytes)
    try await ScaleBenchmark().run(context)
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    failed = true
}
context.finish()
report.environment["load average at end"] = MachineDescription.loadAverage()

report.printTable()
Console.line("")
for target in BenchmarkTarget.evaluate(report) where target.measured != nil {
    Console.line("target: \(target.goal): \(target.measuredText) \(target.verdict)")
}
do {
    if let path = options.jsonPath {
        try report.writeJSON(to: path)
        Console.line("wrote \(path)")
    }
    if let path = options.chartPath {
        try BenchmarkChart(report: report).svg().write(toFile: path, atomically: true, encoding: .utf8)
        Console.line("wrote \(path)")
    }
    if let path = options.markdownPath {
        let chart = options.chartPath.map { URL(fileURLWithPath: $0).lastPathComponent }
        try BenchmarkMarkdown(report: report, options: options, chartFile: chart).document()
            .write(toFile: path, atomically: true, encoding: .utf8)
        Console.line("wrote \(path)")
    }
} catch {
    FileHandle.standardError.write(Data("bench: cannot write the results: \(error)\n".utf8))
    failed = true
}
exit(failed ? 1 : 0)
