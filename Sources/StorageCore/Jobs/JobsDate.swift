//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// The Jobs dialect's dates: ISO 8601 in UTC with milliseconds, `2026-12-04T17:00:38.123Z`, as
/// JavaScript's `Date.toISOString()` writes them.
public enum JobsDate {
    /// The date as ISO 8601 text with exactly three fractional digits, rounded to the nearest
    /// millisecond.
    public static func string(from date: Date) -> String {
        let ticks = Self.milliseconds(from: date) * (PreciseTimestamp.ticksPerSecond / 1000)
        let text = PreciseTimestamp(ticksSinceEpoch: ticks).iso8601
        // Seven fractional digits and a `Z`: keep three of them.
        return String(text.dropLast(5)) + "Z"
    }

    /// Parses ISO 8601 UTC text, `YYYY-MM-DDTHH:MM:SS` with an optional fraction of up to
    /// seven digits and a final `Z`; `nil` for anything else.
    public static func date(from text: String) -> Date? {
        guard let timestamp = PreciseTimestamp(iso8601: text) else {
            return nil
        }
        return Date(timeIntervalSince1970: Double(timestamp.ticksSinceEpoch) / Double(PreciseTimestamp.ticksPerSecond))
    }

    /// The date as whole milliseconds since 1970, rounded to the nearest.
    public static func milliseconds(from date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The date that many milliseconds after 1970.
    public static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
