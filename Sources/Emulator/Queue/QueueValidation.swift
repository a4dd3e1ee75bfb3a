//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The Queue service's rules for names, metadata and query parameters.
enum QueueValidation {
    /// The longest message text, in UTF-8 bytes after any client-side encoding.
    static let maximumMessageBytes = 64 * 1024
    /// The longest visibility timeout and the default time to live: seven days, in seconds.
    static let sevenDays: Int64 = 604_800
    /// The most messages one Get or Peek Messages returns.
    static let maximumMessagesPerRequest = 32
    /// The most queues one List Queues page holds.
    static let maximumListResults = 5000

    /// Queue names: 3–63 characters (else `OutOfRangeInput`) of lowercase letters, digits and
    /// single hyphens, starting and ending with a letter or digit (else `InvalidResourceName`).
    static func checkQueueName(_ name: String) throws(StorageError) {
        let bytes = Array(name.utf8)
        guard (3...63).contains(bytes.count) else {
            throw StorageError(
                status: 400, code: .outOfRangeInput,
                message: "The specified resource name length is not within the permissible limits.")
        }
        let isAlphanumeric = { (byte: UInt8) in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        let valid =
            bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") } && isAlphanumeric(bytes[0])
            && isAlphanumeric(bytes[bytes.count - 1])
            && !zip(bytes, bytes.dropFirst()).contains { $0 == UInt8(ascii: "-") && $1 == UInt8(ascii: "-") }
        guard valid else {
            throw StorageError(
                status: 400, code: .invalidResourceName,
                message: "The specifed resource name contains invalid characters.")
        }
    }

    /// The `x-ms-meta-*` headers as metadata, names without the prefix and in the case sent.
    ///
    /// - Throws: 400 `InvalidMetadata` for a name that is not a C# identifier or appears twice
    ///   in any case.
    static func metadata(from headers: HTTPHeaders) throws(StorageError) -> [QueueMetadataEntry] {
        var entries: [QueueMetadataEntry] = []
        var seen = Set<String>()
        for field in headers where field.name.lowercased().hasPrefix("x-ms-meta-") {
            let name = String(field.name.dropFirst("x-ms-meta-".count))
            guard Self.isIdentifier(name), seen.insert(name.lowercased()).inserted else {
                throw StorageError(
                    status: 400, code: "InvalidMetadata",
                    message: "The metadata specified is invalid. It has characters that are not permitted.")
            }
            entries.append(QueueMetadataEntry(name: name, value: field.value.trimmingWhiteSpace()))
        }
        return entries
    }

    /// An integer query parameter within `range`, or `defaultValue` when absent.
    ///
    /// - Throws: 400 `InvalidQueryParameterValue` when not an integer,
    ///   `OutOfRangeQueryParameterValue` (with the bounds as details) when outside `range`.
    static func integer(
        _ query: QueryParameters, _ name: String, in range: ClosedRange<Int64>, default defaultValue: Int64?
    ) throws(QueueServiceError) -> Int64? {
        guard let text = query[name] else { return defaultValue }
        guard let value = Int64(text) else {
            throw QueueServiceError(
                .invalidQueryParameterValue(name),
                details: [
                    QueueMetadataEntry(name: "QueryParameterName", value: name),
                    QueueMetadataEntry(name: "QueryParameterValue", value: text),
                ])
        }
        guard range.contains(value) else {
            throw QueueServiceError.outOfRange(name, value: text, range: range)
        }
        return value
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

extension String {
    fileprivate func trimmingWhiteSpace() -> String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
