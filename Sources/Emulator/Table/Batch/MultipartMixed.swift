//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// `multipart/mixed` bodies (RFC 2046) as entity group transactions use them: reading the parts
/// of a request and writing those of a response.
///
/// Reading tolerates bare LF line ends besides CRLF, since clients differ; writing always uses CRLF.
enum MultipartMixed {
    /// One part: its headers and its body.
    struct Part: Sendable {
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    /// The `boundary` parameter of a `multipart/mixed` content type, unquoted.
    static func boundary(fromContentType contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: " \t") }
        guard let type = pieces.first, type.lowercased() == "multipart/mixed" else { return nil }
        for parameter in pieces.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: " \t").lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: " \t")
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Splits a body into its parts.
    ///
    /// - Throws: 400 `InvalidInput` when the boundary never appears, the closing delimiter is
    ///   missing, or a part's header block does not end.
    static func parse(_ body: [UInt8], boundary: String) throws(StorageError) -> [Part] {
        let delimiter = Array(("--" + boundary).utf8)
        var positions: [Int] = []
        var searchFrom = 0
        while let found = Self.find(delimiter, in: body, from: searchFrom) {
            // A delimiter must start a line.
            if found == 0 || body[found - 1] == 0x0A {
                positions.append(found)
            }
            searchFrom = found + delimiter.count
        }
        guard positions.count >= 2 else {
            throw .invalidInput("The multipart body does not contain its boundary '\(boundary)' twice.")
        }
        var parts: [Part] = []
        for (index, start) in positions.enumerated() {
            let afterDelimiter = start + delimiter.count
            if afterDelimiter + 1 < body.count, body[afterDelimiter] == 0x2D, body[afterDelimiter + 1] == 0x2D {
                return parts  // the close delimiter
            }
            guard index + 1 < positions.count else { break }
            guard let lineEnd = body[afterDelimiter...].firstIndex(of: 0x0A) else { break }
            var end = positions[index + 1]
            // The line break before the next delimiter belongs to the delimiter.
            if end > 0, body[end - 1] == 0x0A { end -= 1 }
            if end > 0, body[end - 1] == 0x0D { end -= 1 }
            let content = Array(body[(lineEnd + 1)..<max(lineEnd + 1, end)])
            parts.append(try Self.splitHeaders(content))
        }
        throw .invalidInput("The multipart body has no closing delimiter '--\(boundary)--'.")
    }

    /// Splits a part, or an embedded HTTP message, into header lines and body at the first
    /// empty line. Header lines are returned raw for the caller when `headerLines` is needed.
    static func splitHeaders(_ content: [UInt8]) throws(StorageError) -> Part {
        let (lines, bodyStart) = try Self.headerLines(content)
        var headers = HTTPHeaders()
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw .invalidInput("The multipart header line '\(line)' has no colon.")
            }
            headers.add(
                name: String(line[..<colon]).trimmingCharacters(in: " \t"),
                value: String(line[line.index(after: colon)...]).trimmingCharacters(in: " \t"))
        }
        return Part(headers: headers, body: Array(content[bodyStart...]))
    }

    /// The text lines before the first empty line, and where the body after it starts.
    static func headerLines(_ content: [UInt8]) throws(StorageError) -> (lines: [String], bodyStart: Int) {
        var lines: [String] = []
        var lineStart = 0
        while lineStart < content.count {
            guard let newline = content[lineStart...].firstIndex(of: 0x0A) else {
                throw .invalidInput("A multipart header block does not end with an empty line.")
            }
            var lineEnd = newline
            if lineEnd > lineStart, content[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd == lineStart {
                return (lines, newline + 1)
            }
            lines.append(String(decoding: content[lineStart..<lineEnd], as: UTF8.self))
            lineStart = newline + 1
        }
        throw .invalidInput("A multipart header block does not end with an empty line.")
    }

    /// Writes parts between `--boundary` delimiters, closed by `--boundary--`.
    static func write(_ parts: [Part], boundary: String) -> [UInt8] {
        var output: [UInt8] = []
        for part in parts {
            output += Array("--\(boundary)\r\n".utf8)
            for field in part.headers {
                output += Array("\(field.name): \(field.value)\r\n".utf8)
            }
            output += Array("\r\n".utf8)
            output += part.body
            output += Array("\r\n".utf8)
        }
        output += Array("--\(boundary)--\r\n".utf8)
        return output
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else {
            return nil
        }
        let first = needle[0]
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        var text = Substring(self)
        while let first = text.first, characters.contains(first) { text = text.dropFirst() }
        while let last = text.last, characters.contains(last) { text = text.dropLast() }
        return String(text)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        String(self).trimmingCharacters(in: characters)
    }
}
