//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// RFC 1123 dates as HTTP headers carry them: `Tue, 21 Sep 2021 00:49:27 GMT`.
///
/// Formatting and parsing are done by hand rather than with a `DateFormatter`, which depends on
/// the locale and is costly to create; this runs for every signed request.
public enum HTTPDate {
    private static let dayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]

    /// Formats `date` in RFC 1123 form, in GMT, dropping fractions of a second.
    public static func string(from date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let civil = CivilTime(secondsSinceEpoch: seconds)
        return "\(self.dayNames[civil.weekday]), \(Self.twoDigits(civil.day)) \(self.monthNames[civil.month - 1]) "
            + "\(Self.fourDigits(civil.year)) \(Self.twoDigits(civil.hour)):\(Self.twoDigits(civil.minute)):"
            + "\(Self.twoDigits(civil.second)) GMT"
    }

    /// Parses an RFC 1123 date such as `Tue, 21 Sep 2021 00:49:27 GMT`.
    ///
    /// - Returns: `nil` when the text is not exactly in that form or names an impossible date.
    public static func date(from text: String) -> Date? {
        let bytes = Array(text.utf8)
        // "Tue, 21 Sep 2021 00:49:27 GMT" is always 29 bytes.
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == UInt8(ascii: " "),
            bytes[7] == UInt8(ascii: " "), bytes[11] == UInt8(ascii: " "), bytes[16] == UInt8(ascii: " "),
            bytes[19] == UInt8(ascii: ":"), bytes[22] == UInt8(ascii: ":"),
            String(decoding: bytes[25...], as: UTF8.self) == " GMT",
            self.dayNames.contains(String(decoding: bytes[0..<3], as: UTF8.self)),
            let month = self.monthNames.firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self)),
            let day = CivilTime.number(bytes[5..<7]), let year = CivilTime.number(bytes[12..<16]),
            let hour = CivilTime.number(bytes[17..<19]), let minute = CivilTime.number(bytes[20..<22]),
            let second = CivilTime.number(bytes[23..<25])
        else { return nil }
        let civil = CivilTime(year: year, month: month + 1, day: day, hour: hour, minute: minute, second: second)
        guard let seconds = civil.secondsSinceEpoch else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private static func fourDigits(_ value: Int) -> String {
        let text = "\(value)"
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }
}
