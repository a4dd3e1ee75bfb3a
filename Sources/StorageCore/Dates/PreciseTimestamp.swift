//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// A UTC instant with 100-nanosecond precision: what Azure Tables store in `Timestamp` and in
/// `Edm.DateTime` properties.
///
/// `Date` is a `Double` of seconds and cannot hold 7 fractional digits exactly for present-day
/// times, so ETags derived from it would not round-trip. This type counts whole 100 ns ticks.
public struct PreciseTimestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Ticks of 100 ns since 1970-01-01T00:00:00Z; negative before it.
    public var ticksSinceEpoch: Int64

    /// Ticks in one second.
    public static let ticksPerSecond: Int64 = 10_000_000

    /// Creates a timestamp from ticks of 100 ns since 1970.
    public init(ticksSinceEpoch: Int64) {
        self.ticksSinceEpoch = ticksSinceEpoch
    }

    /// Creates a timestamp from a `Date`, rounding down to whole ticks.
    public init(_ date: Date) {
        self.ticksSinceEpoch = Int64((date.timeIntervalSince1970 * Double(Self.ticksPerSecond)).rounded(.down))
    }

    /// The current time from the system's real-time clock, at full tick precision.
    public static func now() -> PreciseTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return PreciseTimestamp(ticksSinceEpoch: Int64(spec.tv_sec) * Self.ticksPerSecond + Int64(spec.tv_nsec) / 100)
    }

    /// The same instant as a `Date` (with `Double` precision).
    public var date: Date {
        Date(timeIntervalSince1970: Double(self.ticksSinceEpoch) / Double(Self.ticksPerSecond))
    }

    /// ISO 8601 in UTC with exactly seven fractional digits, `2021-09-21T00:53:10.3976998Z`, as
    /// Azure writes `Timestamp`.
    public var iso8601: String {
        self.iso8601(trimmingFractionZeros: false)
    }

    /// ISO 8601 in UTC; with `trimmingFractionZeros` the fraction loses trailing zeros and
    /// disappears when zero (`1973-10-04T00:00:00Z`), as Azure writes `Edm.DateTime` values.
    public func iso8601(trimmingFractionZeros: Bool) -> String {
        let seconds = self.ticksSinceEpoch.floorDivided(by: Self.ticksPerSecond)
        let fraction = self.ticksSinceEpoch - seconds * Self.ticksPerSecond
        let civil = CivilTime(secondsSinceEpoch: seconds)
        var text = Self.padded(civil.year, 4) + "-" + Self.padded(civil.month, 2) + "-" + Self.padded(civil.day, 2)
        text +=
            "T" + Self.padded(civil.hour, 2) + ":" + Self.padded(civil.minute, 2) + ":" + Self.padded(civil.second, 2)
        var digits = Self.padded(Int(fraction), 7)
        if trimmingFractionZeros {
            while digits.last == "0" { digits.removeLast() }
        }
        if !digits.isEmpty { text += "." + digits }
        return text + "Z"
    }

    /// Parses ISO 8601 UTC text: `YYYY-MM-DDTHH:MM:SS`, an optional fraction of one to seven
    /// digits, then `Z`.
    ///
    /// - Returns: `nil` for any other form, an impossible date, or more than seven fractional
    ///   digits (which this type could not hold without silently losing them).
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"),
            bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"),
            let year = CivilTime.number(bytes[0..<4]), let month = CivilTime.number(bytes[5..<7]),
            let day = CivilTime.number(bytes[8..<10]), let hour = CivilTime.number(bytes[11..<13]),
            let minute = CivilTime.number(bytes[14..<16]), let second = CivilTime.number(bytes[17..<19])
        else { return nil }
        var fraction: Int64 = 0
        if bytes.count > 20 {
            let digits = bytes[20..<(bytes.count - 1)]
            guard bytes[19] == UInt8(ascii: "."), (1...7).contains(digits.count), let value = CivilTime.number(digits)
            else { return nil }
            fraction = Int64(value)
            for _ in digits.count..<7 { fraction *= 10 }
        } else if bytes.count != 20 {
            return nil
        }
        let civil = CivilTime(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let seconds = civil.secondsSinceEpoch else { return nil }
        self.ticksSinceEpoch = seconds * Self.ticksPerSecond + fraction
    }

    /// Orders by instant.
    public static func < (left: PreciseTimestamp, right: PreciseTimestamp) -> Bool {
        left.ticksSinceEpoch < right.ticksSinceEpoch
    }

    /// The seven-digit ISO 8601 form.
    public var description: String { self.iso8601 }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
