//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The rows of one run, with the notes, memory figures and machine description that go with
/// them; printed as they come, and written out at the end.
final class BenchmarkReport {
    private(set) var rows: [BenchmarkRow] = []
    /// Anchors skipped and other things a reader must know.
    private(set) var notes: [String] = []
    /// Resident memory of the emulator, by what it held at the time.
    private(set) var memory: [(label: String, bytes: Int)] = []
    /// Tool versions and how the emulator ran.
    var environment: [String: String] = [:]
    let started = Date()
    /// Entities in the large table of the scale rows.
    var largeTableSize = 1_000_000
    private var printedHeader = false

    func add(_ row: BenchmarkRow) {
        self.rows.append(row)
        if !self.printedHeader {
            Console.line(Self.header)
            self.printedHeader = true
        }
        Console.line(Self.line(row, ratio: self.ratio(of: row)))
    }

    /// Prints every row again, now that all anchors are known, with the ratios.
    func printTable() {
        Console.line("")
        Console.line(Self.header)
        for row in self.rows {
            Console.line(Self.line(row, ratio: self.ratio(of: row)))
        }
    }

    func note(_ text: String) {
        self.notes.append(text)
        Console.line("note: \(text)")
    }

    func recordMemory(_ label: String, bytes: Int?) {
        guard let bytes else { return }
        self.memory.append((label, bytes))
        Console.line(String(format: "memory: %@: %.1f MiB resident", label, Double(bytes) / 1_048_576))
    }

    /// The row's rate divided by its anchor's rate, when both were measured.
    func ratio(of row: BenchmarkRow) -> Double? {
        guard let anchor = self.anchor(of: row) else { return nil }
        return row.operationsPerSecond / anchor.operationsPerSecond
    }

    func anchor(of row: BenchmarkRow) -> BenchmarkRow? {
        guard let subject = row.anchorSubject else { return nil }
        return self.rows.first {
            $0.group == row.group && $0.operation == (row.anchorOperation ?? row.operation)
                && $0.concurrency == row.concurrency && $0.subject == subject
        }
    }

    /// The first row matching, for the targets.
    func find(_ group: String, _ operation: String, concurrency: Int, anchor: Bool = false) -> BenchmarkRow? {
        self.rows.first {
            $0.group == group && $0.operation == operation && $0.concurrency == concurrency && $0.isAnchor == anchor
        }
    }

    /// The rows with their ratios filled in, for JSON and Markdown, Baton's rows before their
    /// anchors as measured.
    var finishedRows: [BenchmarkRow] {
        self.rows.map { row in
            var row = row
            row.ratioToAnchor = self.ratio(of: row)
            return row
        }
    }

    // MARK: Terminal

    static let header =
        "group      operation                                  c   client → server                          ops/s      p50      p99   ratio"

    static func line(_ row: BenchmarkRow, ratio: Double?) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        func padLeft(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
        }
        return pad(row.group, 10) + " " + pad(row.operation, 42) + " " + padLeft("\(row.concurrency)", 2) + "   "
            + pad(row.subject, 36) + " " + padLeft(Self.rate(row.operationsPerSecond), 9) + " "
            + padLeft(Self.latency(row.p50Microseconds), 8) + " " + padLeft(Self.latency(row.p99Microseconds), 8)
            + " " + padLeft(ratio.map(Self.ratio) ?? "", 7)
    }

    static func rate(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func latency(_ microseconds: Double) -> String {
        if microseconds >= 1_000_000 { return String(format: "%.1f s", microseconds / 1_000_000) }
        if microseconds >= 10_000 { return String(format: "%.0f ms", microseconds / 1_000) }
        if microseconds >= 1_000 { return String(format: "%.1f ms", microseconds / 1_000) }
        return String(format: "%.0f µs", microseconds)
    }

    static func ratio(_ value: Double) -> String {
        value >= 10 ? String(format: "%.0f×", value) : String(format: "%.2f×", value)
    }

    // MARK: JSON

    private struct Document: Encodable {
        let started: String
        let environment: [String: String]
        let rows: [BenchmarkRow]
        let memory: [String: Int]
        let targets: [BenchmarkTarget]
        let notes: [String]
    }

    func writeJSON(to path: String) throws {
        let document = Document(
            started: ISO8601DateFormatter().string(from: self.started), environment: self.environment,
            rows: self.finishedRows,
            memory: Dictionary(self.memory.map { ($0.label, $0.bytes) }, uniquingKeysWith: { $1 }),
            targets: BenchmarkTarget.evaluate(self), notes: self.notes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(document).write(to: URL(fileURLWithPath: path))
    }
}
