//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The ordered `name=value` settings of a connection string, split but not interpreted.
///
/// Splitting is kept apart from meaning so that the account parser sees every setting together
/// with the segment it came from, and can point at that segment in an error.
struct ConnectionString: Sendable, Equatable {
    /// One `name=value` pair, trimmed, with the 1-based position of its `;`-separated segment.
    struct Setting: Sendable, Equatable {
        let name: String
        let value: String
        /// Counts every segment, empty ones included, so it matches the `;`s a reader counts.
        let segment: Int
    }

    /// The settings in the order they were written.
    let settings: [Setting]

    /// Settings to be written out, numbered in order.
    init(_ pairs: [(name: String, value: String)]) {
        self.settings = pairs.enumerated().map { index, pair in
            Setting(name: pair.name, value: pair.value, segment: index + 1)
        }
    }

    /// Splits text at `;` into segments and each segment at its first `=`.
    ///
    /// Values may hold `=` (base64 padding, SAS parameters) because only the first `=` splits.
    /// Empty segments, as left by a trailing `;` or `;;`, are skipped. White space around names
    /// and values is trimmed.
    ///
    /// - Throws: ``StorageConfigurationError`` with code `malformedConnectionString` when the text
    ///   holds no settings or a segment lacks a name or an `=`. A segment is quoted only when
    ///   ``quotable(_:)`` judges it cannot be a secret.
    init(parsing text: String) throws {
        var settings: [Setting] = []
        for (index, rawSegment) in text.split(separator: ";", omittingEmptySubsequences: false).enumerated() {
            let segmentNumber = index + 1
            let segment = rawSegment.trimmingCharacters(in: .whitespacesAndNewlines)
            if segment.isEmpty { continue }
            guard let equals = segment.firstIndex(of: "=") else {
                let message =
                    if let quoted = Self.quotable(segment) {
                        "Segment \(segmentNumber) ('\(quoted)') has no '='."
                    } else {
                        "Segment \(segmentNumber) has no '='; its text is not shown because it may be a secret."
                    }
                throw StorageConfigurationError(code: .malformedConnectionString, message: message)
            }
            let name = segment[..<equals].trimmingCharacters(in: .whitespacesAndNewlines)
            let value = segment[segment.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty else {
                throw StorageConfigurationError(
                    code: .malformedConnectionString,
                    message: "Segment \(segmentNumber) has no setting name before '='.")
            }
            settings.append(Setting(name: name, value: value, segment: segmentNumber))
        }
        guard !settings.isEmpty else {
            throw StorageConfigurationError(
                code: .malformedConnectionString, message: "The connection string is empty.")
        }
        self.settings = settings
    }

    /// The settings written as `name=value` pairs joined by `;`.
    var text: String {
        self.settings.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
    }

    /// The text, if it is safe to quote in an error message; `nil` if it might be a secret.
    ///
    /// Keys and SAS signatures are long base64, so a short run of letters, digits, `_`, `-`, `.`
    /// and spaces cannot be one, while a mistyped setting name (at most 26 characters) still
    /// shows in full.
    static func quotable(_ text: some StringProtocol) -> String? {
        let isPlain = text.allSatisfy { character in
            character.isASCII && (character.isLetter || character.isNumber || "_-. ".contains(character))
        }
        return isPlain && text.count <= 32 ? String(text) : nil
    }
}
