//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// `Docs/BENCHMARKS.md`: the run's table with ratios and targets, the machine, how to
/// reproduce, and the chart.
struct BenchmarkMarkdown {
    let report: BenchmarkReport
    let options: BenchmarkOptions
    /// The chart's file name, relative to the document.
    let chartFile: String?

    func document() -> String {
        let date = ISO8601DateFormatter().string(from: self.report.started)
        var text = """
            # Benchmarks

            <!-- Written by `make bench` (`.build/release/bench --markdown Docs/BENCHMARKS.md`); edit \
            Sources/bench/BenchmarkMarkdown.swift, not this file. -->

            Speed is part of what Baton offers, so it is measured beside what users would otherwise
            choose: **nginx** serving a static `204` (the HTTP floor of the machine), Foundation's
            **URLSession** (the HTTP client a Swift service has without Baton), a **Redis lock**
            (`SET key token NX PX` + compare-and-delete script, the pip-services `RedisLock`
            algorithm, against a local `redis-server`) and the official **Python SDK**
            (`azure-data-tables`, what a Python service would use) against the same emulator.

            All rows come from one run (\(date)\(self.options.quick ? ", `--quick`" : "")) on a
            small machine shared with other work (see the load averages below), so absolute numbers
            drift by ±30 % and more between runs; the **ratios within one run** are what to read.
            Each row warms up for \(BenchmarkReport.latency(self.options.warmup.microseconds)), then
            every call in a \(BenchmarkReport.latency(self.options.window.microseconds)) window is
            timed; where Baton has an anchor in the same process (transport, floor, lock) or the same
            operation is compared across sizes (scale), the two sides alternate in \(self.options.rounds)
            rounds (A B, B A, …) that share the window, so that load drifting in from elsewhere weighs
            on both alike. The Python SDK runs as a separate process right after Baton's table rows.
            `c` is the number of concurrent callers, each with its own keys (no conflicts unless the
            row says so). The ratio is Baton's rate divided by the anchor's rate at the same `c`;
            ops/s counts completed calls over the measured time, p50 and p99 are per call. At c=1
            the rate is one over the mean latency, so stalls caused by other work on the machine
            (the long p99s) pull it down; the p50s are the steadier comparison there.

            ## How to reproduce

            ```sh
            make bench            # installs nginx, redis-server and the Python venv if missing,
                                  # builds in release mode, writes this file and benchmarks.svg
            swift run -c release bench --quick --filter lock   # a quick look at some rows
            ```

            `bench --help` lists the options (`--quick`, `--filter NAME`, `--json FILE`,
            `--markdown FILE`). The emulator runs as a child process (`.build/release/storage-emulator`,
            which `make bench` builds; without it, inside bench) with its data in a temporary directory on
            disk, so its memory figures are its own.

            ## Machine


            """
        text += "| | |\n|---|---|\n"
        for key in self.report.environment.keys.sorted() {
            text += "| \(key) | \(Self.cell(self.report.environment[key] ?? "")) |\n"
        }
        text += "\n## Results\n\n"
        text += "| Group | Operation | c | Client → server | ops/s | p50 | p99 | Ratio to anchor |\n"
        text += "|---|---|--:|---|--:|--:|--:|--:|\n"
        for row in self.report.finishedRows {
            let ratio = row.ratioToAnchor.map { "**\(BenchmarkReport.ratio($0))**" } ?? (row.isAnchor ? "anchor" : "")
            text += "| \(row.group) | \(Self.cell(row.operation)) | \(row.concurrency) | \(Self.cell(row.subject)) | "
            text +=
                "\(BenchmarkReport.rate(row.operationsPerSecond)) | \(BenchmarkReport.latency(row.p50Microseconds)) | "
            text += "\(BenchmarkReport.latency(row.p99Microseconds)) | \(ratio) |\n"
        }
        text +=
            "\n## Targets\n\nReported, never asserted in tests.\n\n| Target | Measured (bound) | Verdict |\n|---|--:|---|\n"
        for target in BenchmarkTarget.evaluate(self.report) {
            text += "| \(Self.cell(target.goal)) | \(target.measuredText) | \(target.verdict) |\n"
        }
        if !self.report.memory.isEmpty {
            text += "\n## Emulator memory\n\nResident set size (`VmRSS` of "
            text +=
                "\(self.report.environment["emulator"].map { $0.contains("child") ? "the emulator process" : "bench, with the emulator inside it" } ?? "the emulator")).\n\n"
            text += "| When | Resident |\n|---|--:|\n"
            for entry in self.report.memory {
                text +=
                    "| \(Self.cell(entry.label)) | \(String(format: "%.1f MiB", Double(entry.bytes) / 1_048_576)) |\n"
            }
        }
        text += self.whereTheTimeGoes()
        if let chartFile {
            text += "\n## Latency chart\n\n![p50 and p99 per operation, Baton beside the anchors](\(chartFile))\n"
        }
        text += """

            ## What the rows measure

            - **transport**: one `GET` answered `204` by nginx (access log off, one worker per
              core, keep-alive for the whole run), through Baton's pooled libcurl transport and
              through `URLSession` with up to 16 connections.
            - **floor**: the emulator's cheapest request (Get Entity, one entity per caller) in
              alternating rounds with nginx's `204` through the same client: the ratio is how close
              the emulator comes to the HTTP floor (the 60 % target).
            - **table**: `TableClient` and the Python SDK (one thread and one client per caller)
              against the emulator: Insert Entity; Get Entity of one of the caller's entities;
              Update Entity (replace) with `If-Match` set to the ETag of the caller's previous
              write; the first page (100 entities) of a partition query.
            - **lock**: `TableLock.tryAcquire` + `LockLease.release`, each caller on its own key
              (two requests: an `If-Match` write on the ETag the caller's own last release wrote,
              and an `If-Match` write that frees the row; a lock that did not write the row last
              reads it first, a third request);
              and 8 contenders
              on one key, each waiting for it (retry every 1 ms ± jitter) and releasing it at once.
              The Redis rows run the same cycles, one blocking connection per thread.
            - **queue**, **jobs**: Put Message; Get Messages (1) + Delete Message; Jobs
              `add_job`; `start_job_by_type` + `complete_job`.
            - **scale**: the table and the queue are filled on disk while the emulator is stopped
              (one entity and one message written through HTTP, then copied in SQL with new keys
              and ids; filling a million rows through HTTP would take most of the run), then the
              emulator is started again and every measured call goes through HTTP: point reads of
              random keys, inserts into random partitions of 10 000 entities, Get Messages of 32
              with a visibility timeout of 10 minutes.

            """
        if !self.report.notes.isEmpty {
            text += "\n## Notes from this run\n\n"
            for note in self.report.notes {
                text += "- \(note)\n"
            }
        }
        return text
    }

    /// The lock cycle set against the round trips it is made of, from this run's rows.
    private func whereTheTimeGoes() -> String {
        let report = self.report
        guard let cycle = report.find("lock", LockBenchmark.uncontended, concurrency: 1),
            let redis = report.find("lock", LockBenchmark.uncontended, concurrency: 1, anchor: true),
            let nginx = report.find("transport", TransportBenchmark.roundTrip, concurrency: 1),
            let read = report.find("table", "point read", concurrency: 1),
            let insert = report.find("table", "insert", concurrency: 1),
            let replace = report.find("table", "If-Match replace", concurrency: 1)
        else { return "" }
        func latency(_ microseconds: Double) -> String { BenchmarkReport.latency(microseconds) }
        return """

            ## Where the lock's time goes (c=1, medians of this run)

            An uncontended `TableLock` cycle is two HTTP requests: an `If-Match` replace that takes
            the row on the ETag the lock's own last release wrote (a SQLite commit), and an
            `If-Match` replace that marks it free and keeps its fence (another commit); a lock that
            did not write the row last reads it first. The Redis
            cycle is two commands on one open socket to an in-memory server, so the 50 % target asks
            a disk-backed, HTTP-fronted store to come within 2× of an in-memory one.

            | Step | p50 |
            |---|--:|
            | HTTP round trip to nginx (the floor for any one request) | \(latency(nginx.p50Microseconds)) |
            | Point read through the emulator | \(latency(read.p50Microseconds)) |
            | Insert through the emulator (one commit) | \(latency(insert.p50Microseconds)) |
            | If-Match replace through the emulator (one commit) | \(latency(replace.p50Microseconds)) |
            | TableLock cycle (2 requests) | \(latency(cycle.p50Microseconds)) |
            | Redis lock cycle (2 commands) | \(latency(redis.p50Microseconds)) |

            The cycle is the sum of its two requests, and each emulator request costs about
            \(latency(read.p50Microseconds - nginx.p50Microseconds)) above the HTTP floor: the
            emulator's own work plus the client's signing and parsing (this run does not say which
            part is which; a profile does). Even at nginx's floor, two round trips would take
            \(latency(2 * nginx.p50Microseconds)), capping the cycle rate near
            \(BenchmarkReport.rate(1_000_000 / (2 * nginx.p50Microseconds)))/s at c=1, against Redis's
            \(BenchmarkReport.rate(redis.operationsPerSecond))/s.

            """
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
