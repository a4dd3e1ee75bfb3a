//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// The embedded HTTP responses of a `202 Accepted` entity group transaction response.
///
/// The body is `multipart/mixed`; its one part is a changeset (`multipart/mixed` again) whose
/// parts are `application/http` responses, one per action on success, or only the failing
/// action's on failure. A response part placed directly in the outer body, as services do for
/// errors outside any changeset, is read the same way. Lines may end with CRLF or LF.
struct TableBatchResponse: Sendable {
    /// One embedded response.
    struct Part: Sendable {
        /// Its status, such as 204.
        var status: Int
        /// Its headers, such as `ETag`.
        var headers: HTTPHeaders
        /// Its body.
        var body: [UInt8]
    }

    /// The embedded responses in order.
    let parts: [Part]

    /// Reads the response parts of `body`, whose outer `Content-Type` is `contentType`.
    ///
    /// - Returns: `nil` when the body is not a `multipart/mixed` document holding HTTP responses.
    init?(contentType: String?, body: [UInt8]) {
        guard let boundary = contentType.flatMap(Self.boundary(fromContentType:)),
            let outer = Self.split(body, boundary: boundary)
        else { return nil }
        var parts: [Part] = []
        for entity in outer {
            if let nested = entity.headers["Content-Type"].flatMap(Self.boundary(fromContentType:)) {
                guard let inner = Self.split(entity.body, boundary: nested) else { return nil }
                for item in inner {
                    guard let part = Self.httpResponse(item.body) else { return nil }
                    parts.append(part)
                }
            } else {
                guard let part = Self.httpResponse(entity.body) else { return nil }
                parts.append(part)
            }
        }
        self.parts = parts
    }

    /// The `boundary` parameter of a `multipart/mixed` content type, unquoted.
    static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingSpaces() }
        guard let type = pieces.first, type.lowercased() == "multipart/mixed" else { return nil }
        for parameter in pieces.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingSpaces().lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingSpaces()
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// The entities between `--boundary` lines, up to `--boundary--`, each split into its
    /// headers and body at the first empty line.
    private static func split(_ body: [UInt8], boundary: String) -> [(headers: HTTPHeaders, body: [UInt8])]? {
        let delimiter = Array(("--" + boundary).utf8)
        var starts: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: body, from: index) {
            if found == 0 || body[found - 1] == 0x0A { starts.append(found) }
            index = found + delimiter.count
        }
        var entities: [(headers: HTTPHeaders, body: [UInt8])] = []
        for (position, start) in starts.enumerated() {
            let afterDelimiter = start + delimiter.count
            if afterDelimiter + 1 < body.count, body[afterDelimiter] == 0x2D, body[afterDelimiter + 1] == 0x2D {
                return entities
            }
            guard position + 1 < starts.count,
                let lineEnd = body[afterDelimiter...].firstIndex(of: 0x0A)
            else { return nil }
            var end = starts[position + 1]
            // The line break before a delimiter belongs to the delimiter.
            if end > 0, body[end - 1] == 0x0A { end -= 1 }
            if end > 0, body[end - 1] == 0x0D { end -= 1 }
            let content = Array(body[(lineEnd + 1)..<max(lineEnd + 1, end)])
            guard let (lines, bodyStart) = Self.headerLines(content) else { return nil }
            entities.append((Self.headers(lines), Array(content[bodyStart...])))
        }
        return nil
    }

    /// An `application/http` response: status line, headers, empty line, body.
    private static func httpResponse(_ content: [UInt8]) -> Part? {
        guard let (lines, bodyStart) = Self.headerLines(content), let statusLine = lines.first else { return nil }
        let pieces = statusLine.split(separator: " ", maxSplits: 2)
        guard pieces.count >= 2, pieces[0].hasPrefix("HTTP/"), let status = Int(pieces[1]) else { return nil }
        return Part(status: status, headers: Self.headers(lines.dropFirst()), body: Array(content[bodyStart...]))
    }

    /// The lines before the first empty line, and where the body after it starts; `nil` when
    /// no empty line ends them.
    private static func headerLines(_ content: [UInt8]) -> (lines: [String], bodyStart: Int)? {
        var lines: [String] = []
        var lineStart = 0
        while lineStart < content.count {
            guard let newline = content[lineStart...].firstIndex(of: 0x0A) else { return nil }
            var lineEnd = newline
            if lineEnd > lineStart, content[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == lineStart { return (lines, newline + 1) }
            lines.append(String(decoding: content[lineStart..<lineEnd], as: UTF8.self))
            lineStart = newline + 1
        }
        return nil
    }

    private static func headers(_ lines: some Sequence<String>) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.add(
                name: line[..<colon].trimmingSpaces(), value: line[line.index(after: colon)...].trimmingSpaces())
        }
        return headers
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without spaces and tabs around it.
    fileprivate func trimmingSpaces() -> String {
        var text = self[...]
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
