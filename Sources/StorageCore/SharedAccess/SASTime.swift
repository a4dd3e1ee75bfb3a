//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The date forms of a SAS's `st` and `se` fields, and of the times quoted in its errors.
enum SASTime {
    /// Parses the forms Azure accepts: `YYYY-MM-DDThh:mm:ssZ`, the same with a fraction of one
    /// to seven digits, `YYYY-MM-DDThh:mmZ`, and a bare date `YYYY-MM-DD` (midnight UTC).
    static func parse(_ text: String) -> PreciseTimestamp? {
        if let timestamp = PreciseTimestamp(iso8601: text) {
            return timestamp
        }
        let bytes = Array(text.utf8)
        switch bytes.count {
        case 17 where bytes[16] == UInt8(ascii: "Z"):
            // YYYY-MM-DDThh:mmZ: the same instant with zero seconds.
            return PreciseTimestamp(iso8601: String(decoding: bytes[0..<16], as: UTF8.self) + ":00Z")
        case 10:
            return PreciseTimestamp(iso8601: text + "T00:00:00Z")
        default:
            return nil
        }
    }

    /// `YYYY-MM-DDThh:mm:ssZ`, dropping any fraction of a second as the Python SDK does.
    static func format(_ timestamp: PreciseTimestamp) -> String {
        let seconds = timestamp.ticksSinceEpoch.floorDivided(by: PreciseTimestamp.ticksPerSecond)
        return PreciseTimestamp(ticksSinceEpoch: seconds * PreciseTimestamp.ticksPerSecond)
            .iso8601(trimmingFractionZeros: true)
    }

    /// RFC 1123 (`Tue, 21 Sep 2021 00:49:27 GMT`), as Azure quotes times in SAS errors.
    static func rfc1123(_ timestamp: PreciseTimestamp) -> String {
        HTTPDate.string(from: timestamp.date)
    }
}
