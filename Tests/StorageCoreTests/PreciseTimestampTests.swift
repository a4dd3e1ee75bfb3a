//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@Suite("Seven-digit ISO 8601 timestamps")
struct PreciseTimestampTests {
    @Test("round-trips Azure's seven fractional digits exactly")
    func roundTripsSevenDigits() throws {
        let text = "2021-09-21T00:53:10.3976998Z"
        let timestamp = try #require(PreciseTimestamp(iso8601: text))
        #expect(timestamp.iso8601 == text)
        #expect(timestamp.ticksSinceEpoch % 10 == 8)
    }

    @Test("always writes seven digits, or trims them for DateTime values")
    func formatsFractions() throws {
        let whole = try #require(PreciseTimestamp(iso8601: "1973-10-04T00:00:00Z"))
        #expect(whole.iso8601 == "1973-10-04T00:00:00.0000000Z")
        #expect(whole.iso8601(trimmingFractionZeros: true) == "1973-10-04T00:00:00Z")
        let half = try #require(PreciseTimestamp(iso8601: "2020-01-01T12:30:00.5Z"))
        #expect(half.iso8601 == "2020-01-01T12:30:00.5000000Z")
        #expect(half.iso8601(trimmingFractionZeros: true) == "2020-01-01T12:30:00.5Z")
    }

    @Test("handles instants before 1970 and the Table DateTime range")
    func handlesOldDates() throws {
        for text in ["1601-01-01T00:00:00.0000000Z", "1969-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59.9999999Z"] {
            let timestamp = try #require(PreciseTimestamp(iso8601: text))
            #expect(timestamp.iso8601 == text)
        }
        #expect(PreciseTimestamp(iso8601: "1969-12-31T23:59:59.9999999Z")?.ticksSinceEpoch == -1)
    }

    @Test("orders by instant and converts from Date")
    func ordersAndConverts() throws {
        let earlier = try #require(PreciseTimestamp(iso8601: "2021-01-01T00:00:00.0000001Z"))
        let later = try #require(PreciseTimestamp(iso8601: "2021-01-01T00:00:00.0000002Z"))
        #expect(earlier < later)
        #expect(PreciseTimestamp(Date(timeIntervalSince1970: 1.5)).ticksSinceEpoch == 15_000_000)
        let now = PreciseTimestamp.now()
        #expect(abs(now.date.timeIntervalSinceNow) < 5)
    }

    @Test(
        "rejects malformed text",
        arguments: [
            "", "2021-09-21", "2021-09-21T00:53:10", "2021-09-21T00:53:10.Z", "2021-09-21T00:53:10.39769981Z",
            "2021-13-01T00:00:00Z", "2021-02-30T00:00:00Z", "2021-09-21 00:53:10Z", "2021-09-21T00:53:10+00:00",
            "2021-09-21T25:00:00Z", "2021-09-21T00:53:1xZ",
        ])
    func rejectsMalformed(text: String) {
        #expect(PreciseTimestamp(iso8601: text) == nil)
    }
}
