//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The emulator's log: one line per event on standard error, filtered by level.
///
/// Standard output is kept for the "listening on" lines a parent process reads.
public struct EmulatorLog: Sendable {
    /// How much to log, from least to most.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        /// Nothing at all.
        case silent
        /// Failures of the emulator itself.
        case error
        /// Problems worth a look, such as rejected requests that look like client bugs.
        case warning
        /// Start-up, shut-down and one line per request.
        case info
        /// Everything, including request headers (signatures redacted).
        case debug

        /// Parses `silent`, `error`, `warning`, `info` or `debug`.
        public init?(name: String) {
            guard let level = Self.allCases.first(where: { "\($0)" == name.lowercased() }) else { return nil }
            self = level
        }

        /// Orders by verbosity.
        public static func < (left: Level, right: Level) -> Bool { left.rawValue < right.rawValue }
    }

    /// The most verbose level written.
    public let level: Level
    private let write: @Sendable (String) -> Void

    /// A log writing lines at `level` and below to standard error.
    public init(level: Level) {
        self.level = level
        self.write = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// A log handing lines to `write`, for tests.
    public init(level: Level, write: @escaping @Sendable (String) -> Void) {
        self.level = level
        self.write = write
    }

    /// Writes `message` if `level` is enabled; the message is built only then.
    ///
    /// Secrets are removed first (``LogRedaction``): SAS signatures in request targets, shared
    /// key signatures and account keys never reach the log.
    public func log(_ level: Level, _ message: @autoclosure () -> String) {
        guard level != .silent, level <= self.level else { return }
        self.write("\(HTTPDate.string(from: Date())) [\(level)] \(LogRedaction.redacting(message()))")
    }
}
