//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The weak ETags of table entities: `W/"datetime'2021-09-21T00%3A53%3A10.3976998Z'"`.
///
/// An entity's ETag is its `Timestamp` with every `:` percent-encoded, wrapped in
/// `W/"datetime'…'"`. Clients rebuild the ETag from `Timestamp` when a response carries no
/// `odata.etag` (no-metadata responses), so both come from the same instant and the same text.
public enum TableETag {
    /// The ETag of an entity written at `timestamp`.
    public static func make(_ timestamp: PreciseTimestamp) -> String {
        var bytes = Array("W/\"datetime'".utf8)
        for byte in timestamp.entityTimestampText.utf8 {
            if byte == UInt8(ascii: ":") {
                bytes.append(contentsOf: "%3A".utf8)
            } else {
                bytes.append(byte)
            }
        }
        bytes.append(contentsOf: "'\"".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The instant inside an ETag.
    ///
    /// Accepts what ``make(_:)`` writes and the same instant with any percent-encoding
    /// (`%3a`, or a literal `:`) and zero to seven fractional digits.
    ///
    /// - Returns: `nil` when `etag` is not of the form `W/"datetime'<ISO 8601 UTC>'"`: the
    ///   service answers 400 InvalidInput to such an `If-Match`, where a well-formed ETag that
    ///   merely differs gets 412.
    public static func timestamp(from etag: String) -> PreciseTimestamp? {
        let prefix = "W/\"datetime'"
        let suffix = "'\""
        guard etag.hasPrefix(prefix), etag.hasSuffix(suffix), etag.utf8.count > prefix.utf8.count + suffix.utf8.count
        else { return nil }
        let inner = etag.dropFirst(prefix.count).dropLast(suffix.count)
        guard let decoded = PercentEncoding.decode(String(inner)) else { return nil }
        return PreciseTimestamp(iso8601: decoded)
    }

    /// Whether `etag` has the form of a table entity's ETag (see ``timestamp(from:)``).
    public static func isWellFormed(_ etag: String) -> Bool {
        Self.timestamp(from: etag) != nil
    }
}
