//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The latency chart the report embeds: per operation, one bar per client (Baton's, then its
/// anchor's), p99 drawn light behind p50 drawn dark, on a logarithmic axis so that a 100 µs
/// round trip and a 10 ms query are both readable.
struct BenchmarkChart {
    let report: BenchmarkReport

    private static let labelWidth = 270.0
    private static let plotWidth = 560.0
    private static let barHeight = 16.0
    private static let clusterGap = 10.0
    private static let top = 70.0
    private static let titleHeight = 18.0

    func svg() -> String {
        let rows = self.report.finishedRows
        // Clusters: rows of one group, operation and concurrency, in measured order.
        var clusters: [(title: String, rows: [BenchmarkRow])] = []
        for row in rows {
            let title = "\(row.group): \(row.operation), c=\(row.concurrency)"
            if let index = clusters.firstIndex(where: { $0.title == title }) {
                clusters[index].rows.append(row)
            } else {
                clusters.append((title, [row]))
            }
        }
        let lowest = max(1.0, (rows.map(\.p50Microseconds).min() ?? 10))
        let highest = max(lowest * 10, rows.map(\.p99Microseconds).max() ?? 1_000)
        let minimumDecade = floor(log10(lowest))
        let maximumDecade = ceil(log10(highest))
        func x(_ microseconds: Double) -> Double {
            let fraction =
                (log10(max(microseconds, pow(10, minimumDecade))) - minimumDecade)
                / (maximumDecade - minimumDecade)
            return Self.labelWidth + fraction * Self.plotWidth
        }
        let height =
            Self.top
            + clusters.reduce(0) { $0 + Self.titleHeight + Double($1.rows.count) * Self.barHeight + Self.clusterGap }
            + 20
        let width = Self.labelWidth + Self.plotWidth + 150
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="12" y="22" font-size="16" font-weight="bold">Baton beside its anchors: latency per call, p50 (dark) and p99 (light)</text>
            <text x="12" y="42" fill="#444">One run, loopback, \(self.report.environment["cores"] ?? "?") cores; logarithmic axis. Blue: Baton. Orange: the anchor.</text>

            """
        // Decade grid lines with labels.
        var decade = minimumDecade
        while decade <= maximumDecade {
            let position = x(pow(10, decade))
            svg += """
                <line x1="\(Self.format(position))" y1="\(Int(Self.top - 8))" x2="\(Self.format(position))" \
                y2="\(Int(height - 10))" stroke="#dddddd"/>
                <text x="\(Self.format(position))" y="\(Int(Self.top - 12))" text-anchor="middle" fill="#444">\
                \(Self.escape(BenchmarkReport.latency(pow(10, decade))))</text>

                """
            decade += 1
        }
        var y = Self.top
        for cluster in clusters {
            svg += """
                <text x="12" y="\(Self.format(y + 13))" font-weight="bold">\(Self.escape(cluster.title))</text>

                """
            y += Self.titleHeight
            for row in cluster.rows {
                let dark = row.isAnchor ? "#c05621" : "#2b6cb0"
                let light = row.isAnchor ? "#fbd38d" : "#90cdf4"
                let start = x(pow(10, minimumDecade))
                svg += """
                    <text x="\(Int(Self.labelWidth - 8))" y="\(Self.format(y + 12))" text-anchor="end">\
                    \(Self.escape(row.subject))</text>
                    <rect x="\(Self.format(start))" y="\(Self.format(y + 2))" width="\(Self.format(x(row.p99Microseconds) - start))" \
                    height="\(Self.format(Self.barHeight - 4))" fill="\(light)"/>
                    <rect x="\(Self.format(start))" y="\(Self.format(y + 2))" width="\(Self.format(x(row.p50Microseconds) - start))" \
                    height="\(Self.format(Self.barHeight - 4))" fill="\(dark)"/>
                    <text x="\(Self.format(x(row.p99Microseconds) + 4))" y="\(Self.format(y + 12))" fill="#333">\
                    \(Self.escape(BenchmarkReport.latency(row.p50Microseconds))) / \
                    \(Self.escape(BenchmarkReport.latency(row.p99Microseconds)))</text>

                    """
                y += Self.barHeight
            }
            y += Self.clusterGap
        }
        svg += "</svg>\n"
        return svg
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
