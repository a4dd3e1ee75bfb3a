//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension PreciseTimestamp {
    /// The earliest `Edm.DateTime` the Table service stores, 1601-01-01T00:00:00Z (the Windows
    /// FILETIME epoch); .NET's `DateTime.MinValue` is famously refused with OutOfRangeInput.
    package static let earliestTableDateTime = PreciseTimestamp(ticksSinceEpoch: -116_444_736_000_000_000)

    /// An entity's `Timestamp` as the service writes it, in the body and inside the ETag: ISO 8601
    /// UTC with exactly seven fractional digits (`2021-09-21T00:53:10.3976998Z`).
    ///
    /// Seven digits always, so that ETags of one entity sort in write order as text and every
    /// tick-unique timestamp gives a distinct ETag string. Some recorded Azure responses trim
    /// trailing zeros (`…37.280006Z`); clients parse both forms, and the difference is listed in
    /// Docs/CONFORMANCE.md.
    package var entityTimestampText: String {
        self.iso8601
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
