//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The command line of `bench`.
struct BenchmarkOptions: Sendable {
    /// Whether to take short windows, so that a whole run takes a minute or two.
    var quick = false
    /// Substrings that select groups or operations; empty selects everything.
    var filters: [String] = []
    /// Where to write the results as JSON.
    var jsonPath: String?
    /// Where to write the Markdown report.
    var markdownPath: String?
    /// Where to write the SVG chart; defaults to `benchmarks.svg` beside the Markdown report.
    var chartPath: String?
    /// The `storage-emulator` executable; defaults to the one beside `bench`.
    var emulatorPath: String?
    /// The Python that has `azure-data-tables`; defaults to `.venv/bin/python`.
    var pythonPath = ProcessInfo.processInfo.environment["BATON_BENCH_PYTHON"] ?? ".venv/bin/python"
    /// The Python anchor script.
    var pythonScript = "emulator/bench/python_tables.py"

    /// The unmeasured window before each row, which fills connection pools and caches.
    var warmup: Duration { self.quick ? .milliseconds(150) : .milliseconds(500) }
    /// The measured window of each row.
    var window: Duration { self.quick ? .milliseconds(500) : .seconds(3) }
    /// Alternating rounds of a comparison between Baton and its anchor; the measured window is
    /// shared between them.
    var rounds: Int { self.quick ? 2 : 3 }
    /// Entities in the large table of the scale rows.
    var scaleEntities: Int { self.quick ? 100_000 : 1_000_000 }
    /// Messages in the large queue of the scale rows.
    var scaleMessages: Int { self.quick ? 100_000 : 1_000_000 }

    static let usage = """
        usage: bench [--quick] [--filter NAME]... [--json FILE] [--markdown FILE] [--chart FILE]
                     [--emulator PATH] [--python PATH]

        Starts the storage emulator, nginx and redis-server on loopback, then measures Baton's
        transport, Table, Queue, Jobs and lock operations beside those anchors in one run, and
        prints one table: operation, concurrency, ops/s, p50, p99, and the ratio to the anchor.

          --quick            short windows (0.5 s per row, 100 thousand entities/messages at scale)
          --filter NAME      run only rows whose group or operation contains NAME (repeatable)
          --json FILE        write every row as JSON
          --markdown FILE    write the report (Docs/BENCHMARKS.md), and the chart beside it
          --chart FILE       where the SVG chart goes (default: benchmarks.svg beside --markdown)
          --emulator PATH    the storage-emulator executable (default: beside bench; when missing,
                             the emulator runs inside bench)
          --python PATH      Python with azure-data-tables (default .venv/bin/python, or
                             $BATON_BENCH_PYTHON); when missing, the Python anchor is skipped
        """

    /// A bad command line, described for the user.
    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let value = remaining.popFirst(), !value.isEmpty else {
                throw UsageError(description: "\(flag) needs a value")
            }
            return value
        }
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick": self.quick = true
            case "--filter": self.filters.append(try value(argument).lowercased())
            case "--json": self.jsonPath = try value(argument)
            case "--markdown": self.markdownPath = try value(argument)
            case "--chart": self.chartPath = try value(argument)
            case "--emulator": self.emulatorPath = try value(argument)
            case "--python": self.pythonPath = try value(argument)
            default: throw UsageError(description: "unknown option '\(argument)'")
            }
        }
        if self.chartPath == nil, let markdownPath {
            self.chartPath =
                URL(fileURLWithPath: markdownPath).deletingLastPathComponent()
                .appendingPathComponent("benchmarks.svg").path
        }
    }

    /// Whether a row of `group` named `operation` was asked for.
    func selects(group: String, operation: String) -> Bool {
        if self.filters.isEmpty { return true }
        let name = "\(group) \(operation)".lowercased()
        return self.filters.contains { name.contains($0) }
    }

    /// Whether any row of `group` could be selected; `operations` lists the group's row names.
    func selectsAny(group: String, of operations: [String]) -> Bool {
        operations.contains { self.selects(group: group, operation: $0) }
    }
}
