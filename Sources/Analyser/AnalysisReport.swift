//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// What happened to the files of a store under one strategy, read back from the tables.
///
/// A file counts as analysed exactly once when it has one result row; the results table is
/// insert-only, so a second analysis can never replace the first — it is refused and counted
/// in `duplicates` (a redelivery after a worker died between recording and acknowledging).
public struct AnalysisReport: Sendable {
    /// The strategy reported on.
    public var strategy: AnalysisStrategy
    /// Files in the store.
    public var files: Int
    /// Files with a result whose image was read.
    public var analysed: Int
    /// Files with a result recording a failure.
    public var failed: Int
    /// Files in the store without a result.
    public var missing: [String]
    /// Result rows naming files not in the store.
    public var unknown: [String]
    /// Second analyses refused by the insert-only results table.
    public var duplicates: Int
    /// Units of work logged.
    public var runs: Int
    /// Results per worker.
    public var filesByWorker: [String: Int]
    /// Lock strategy: pairs of consecutive runs that overlapped in time.
    public var overlappingRuns: Int
    /// Lock strategy: whether every run's fence was greater than the previous run's.
    public var fencesIncrease: Bool

    /// Whether every file was analysed exactly once, and, for the lock strategy, runs never
    /// overlapped and fences grew.
    public var passed: Bool {
        self.missing.isEmpty && self.unknown.isEmpty
            && (self.strategy != .lock || (self.overlappingRuns == 0 && self.fencesIncrease && self.duplicates == 0))
    }

    /// Reads the store and the tables.
    public static func make(
        store: any FileStore, connection: AnalyserConnection, strategy: AnalysisStrategy
    ) async throws -> AnalysisReport {
        let tables = AnalysisTables(connection: connection)
        try await tables.create()
        let files = try await store.fileNames()
        let rows = try await tables.results(strategy: strategy)
        let runs = try await tables.runs(strategy: strategy)
        var analysed = 0
        var failed = 0
        var byWorker: [String: Int] = [:]
        for (_, row) in rows {
            if row.properties["Error"] != nil { failed += 1 } else { analysed += 1 }
            if case .string(let worker)? = row.properties["Worker"] { byWorker[worker, default: 0] += 1 }
        }
        let fileSet = Set(files)
        var overlapping = 0
        var fencesIncrease = true
        if strategy == .lock {
            for (previous, next) in zip(runs, runs.dropFirst()) {
                if next.startedAt < previous.finishedAt { overlapping += 1 }
                if (next.fence ?? 0) <= (previous.fence ?? 0) { fencesIncrease = false }
            }
        }
        return AnalysisReport(
            strategy: strategy, files: files.count, analysed: analysed, failed: failed,
            missing: files.filter { rows[$0] == nil }, unknown: rows.keys.filter { !fileSet.contains($0) }.sorted(),
            duplicates: runs.reduce(0) { $0 + $1.duplicates }, runs: runs.count, filesByWorker: byWorker,
            overlappingRuns: overlapping, fencesIncrease: fencesIncrease)
    }

    /// The report as lines for people.
    public var lines: [String] {
        var lines = [
            "strategy \(self.strategy.rawValue)",
            "  files in store      \(self.files)",
            "  analysed            \(self.analysed)",
            "  failed (corrupt)    \(self.failed)",
            "  missed              \(self.missing.count)",
            "  duplicates refused  \(self.duplicates)",
            "  runs logged         \(self.runs)",
        ]
        for (worker, count) in self.filesByWorker.sorted(by: { $0.key < $1.key }) {
            lines.append("  by \(worker)\(String(repeating: " ", count: max(1, 17 - worker.count)))\(count)")
        }
        if self.strategy == .lock {
            lines.append("  overlapping runs    \(self.overlappingRuns)")
            lines.append("  fences increase     \(self.fencesIncrease ? "yes" : "NO")")
        }
        if !self.missing.isEmpty { lines.append("  missed: \(self.missing.prefix(10).joined(separator: ", "))") }
        if !self.unknown.isEmpty {
            lines.append("  rows without a file: \(self.unknown.prefix(10).joined(separator: ", "))")
        }
        lines.append("  exactly once        \(self.passed ? "yes" : "NO")")
        return lines
    }
}
