//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

// Measurements of Baton's building blocks. Each subcommand starts what it needs in-process on
// loopback, warms up, then samples. Run in release mode: `swift run -c release bench …`.

let arguments = Array(CommandLine.arguments.dropFirst())
let usage = """
    usage: bench <subcommand> [options]

    subcommands:
      transport [--requests N] [--concurrency C] [--quick]
          HTTP round trips of the libcurl transport against the in-process libmicrohttpd server:
          sequential latency (p50, p99, mean) and throughput at concurrency C (default 16).
      table [--quick]
          TableClient against the in-process emulator on disk: insert, point read, If-Match
          replace, 100-entity query page, at concurrency 1 and 16.
      queue [--quick]
          QueueClient against the in-process emulator on disk: put, and get + delete, at
          concurrency 1 and 16.
      lock [--quick]
          TableLock against the in-process emulator: uncontended cycles at concurrency 1 and 16,
          and hand-overs between 8 contenders on one key.
    """

guard let subcommand = arguments.first, subcommand != "--help", subcommand != "-h" else {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}

do {
    switch subcommand {
    case "transport":
        let options = try BenchmarkOptions(Array(arguments.dropFirst()))
        try await TransportBenchmark(options: options).run()
    case "table":
        try await TableBenchmark(options: try BenchmarkOptions(Array(arguments.dropFirst()))).run()
    case "queue":
        try await QueueBenchmark(options: try BenchmarkOptions(Array(arguments.dropFirst()))).run()
    case "lock":
        try await LockBenchmark(options: try BenchmarkOptions(Array(arguments.dropFirst()))).run()
    default:
        FileHandle.standardError.write(Data("bench: unknown subcommand '\(subcommand)'\n\n\(usage)\n".utf8))
        exit(2)
    }
} catch {
    FileHandle.standardError.write(Data("bench: \(error)\n".utf8))
    exit(1)
}
