//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Analyser
import Foundation
import StorageCore

/// Writes events as text lines or JSON objects, one per line, on standard output.
struct EventPrinter: Sendable {
    let json: Bool

    func print(_ event: AnalyserEvent) {
        let line: String
        if self.json {
            var members = [
                JSONMember("time", .string(PreciseTimestamp.now().iso8601)),
                JSONMember("source", .string(event.source)),
                JSONMember("event", .string(event.kind)),
            ]
            members += event.fields.map { JSONMember($0.name, .string($0.value)) }
            line = JSONWriter.string(.object(members))
        } else {
            line =
                "[\(event.source)] \(event.kind) "
                + event.fields.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        }
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
