//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension PreciseTimestamp {
    /// The earliest `Edm.DateTime` the Table service stores, 1601-01-01T00:00:00Z (the Windows
    /// FILETIME epoch); .NET's `DateTime.MinValue` is famously refused with OutOfRangeInput.
    package static let earliestTableDateTime = PreciseTimestamp(ticksSinceEpoch: -116_444_736_000_000_000)

    /// An entity's `Timestamp` as Azure writes it, in the body and inside the ETag: ISO 8601 UTC
    /// with up to seven fractional digits, trailing zeros trimmed (`2020-10-01T00:38:37.280006Z`).
    ///
    /// Recorded Azure traffic shows the trimming (an ETag of
    /// `W/"datetime'2020-10-01T00%3A38%3A37.280006Z'"` with the same body `Timestamp`): the
    /// service formats with .NET's `FFFFFFF`, not `fffffff`. Clients parse either form.
    package var entityTimestampText: String {
        self.iso8601(trimmingFractionZeros: true)
    }

    /// Parses an `Edm.DateTime` value from a request body.
    ///
    /// Accepts `YYYY-MM-DDTHH:MM:SS`, an optional fraction of one to seven digits, then `Z`,
    /// a `±HH:MM` offset (converted to UTC), or nothing (read as UTC, the form the service's own
    /// documentation shows in its examples). More than seven fractional digits are refused
    /// rather than silently rounded.
    package init?(edmDateTime text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 19 else { return nil }
        var core = bytes
        var offsetSeconds: Int64 = 0
        if bytes.last == UInt8(ascii: "Z") {
            core.removeLast()
        } else if bytes.count >= 25,
            bytes[bytes.count - 6] == UInt8(ascii: "+") || bytes[bytes.count - 6] == UInt8(ascii: "-")
        {
            let zone = bytes[(bytes.count - 6)...]
            guard zone[zone.startIndex + 3] == UInt8(ascii: ":"),
                let hours = CivilTime.number(zone[(zone.startIndex + 1)..<(zone.startIndex + 3)]),
                let minutes = CivilTime.number(zone[(zone.startIndex + 4)...]), hours <= 14, minutes < 60
            else { return nil }
            let sign: Int64 = zone.first == UInt8(ascii: "-") ? -1 : 1
            offsetSeconds = sign * Int64(hours * 3_600 + minutes * 60)
            core.removeLast(6)
        }
        core.append(UInt8(ascii: "Z"))
        guard let utc = PreciseTimestamp(iso8601: String(decoding: core, as: UTF8.self)) else { return nil }
        // Local time = UTC + offset, so UTC = local time - offset.
        self.init(ticksSinceEpoch: utc.ticksSinceEpoch - offsetSeconds * Self.ticksPerSecond)
    }
}
