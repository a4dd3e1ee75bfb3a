//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A proleptic-Gregorian UTC calendar time, converted to and from seconds since 1970 with
/// Howard Hinnant's days-from-civil arithmetic: exact, allocation-free and independent of the
/// process's time zone and locale.
package struct CivilTime: Sendable, Hashable {
    package var year: Int
    package var month: Int
    package var day: Int
    package var hour: Int
    package var minute: Int
    package var second: Int

    package init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    package init(secondsSinceEpoch: Int64) {
        let days = Int(secondsSinceEpoch.floorDivided(by: 86_400))
        let secondOfDay = Int(secondsSinceEpoch - Int64(days) * 86_400)
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
        self.hour = secondOfDay / 3_600
        self.minute = secondOfDay % 3_600 / 60
        self.second = secondOfDay % 60
    }

    /// Day of the week, 0 = Sunday.
    package var weekday: Int {
        guard let seconds = self.secondsSinceEpoch else { return 0 }
        let days = Int(seconds.floorDivided(by: 86_400))
        // 1970-01-01 was a Thursday.
        return ((days % 7) + 11) % 7
    }

    /// Seconds since 1970-01-01T00:00:00Z, or `nil` when a field is out of range.
    package var secondsSinceEpoch: Int64? {
        guard (1...12).contains(self.month), (1...Self.daysIn(month: self.month, year: self.year)).contains(self.day),
            (0...23).contains(self.hour), (0...59).contains(self.minute), (0...59).contains(self.second)
        else { return nil }
        let year = self.month <= 2 ? self.year - 1 : self.year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let monthIndex = self.month > 2 ? self.month - 3 : self.month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + self.day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Int64(days) * 86_400 + Int64(self.hour * 3_600 + self.minute * 60 + self.second)
    }

    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The decimal value of a run of ASCII digits, or `nil` if any byte is not a digit.
    package static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension Int64 {
    /// Division rounding towards negative infinity, so times before 1970 land on the right day.
    package func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
