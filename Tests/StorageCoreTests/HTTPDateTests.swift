//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@Suite("RFC 1123 dates")
struct HTTPDateTests {
    @Test("formats a known instant exactly")
    func formatsKnownInstant() {
        // 2021-09-21T00:49:27Z, from a recorded Azure response.
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 1_632_185_367)) == "Tue, 21 Sep 2021 00:49:27 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
    }

    @Test("drops fractions of a second")
    func dropsFractions() {
        #expect(HTTPDate.string(from: Date(timeIntervalSince1970: 1.999)) == "Thu, 01 Jan 1970 00:00:01 GMT")
    }

    @Test("parses what it formats, across many instants")
    func roundTrips() {
        var seconds: Int64 = -2_208_988_800  // 1900-01-01
        while seconds < 4_102_444_800 {  // 2100-01-01
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = HTTPDate.string(from: date)
            #expect(HTTPDate.date(from: text) == date, "\(text)")
            seconds += 7_776_061  // about 90 days, so every weekday and month comes up
        }
    }

    @Test(
        "rejects malformed text",
        arguments: [
            "", "Tue, 21 Sep 2021 00:49:27", "Tue, 21 Sep 2021 00:49:27 UTC", "Tue, 31 Sep 2021 00:49:27 GMT",
            "Tue, 21 Sept 2021 00:49:27 GMT", "Xyz, 21 Sep 2021 00:49:27 GMT", "Tue, 21 Sep 2021 24:00:00 GMT",
            "Tue,  1 Sep 2021 00:49:27 GMT", "Mon, 29 Feb 2021 00:00:00 GMT",
        ])
    func rejectsMalformed(text: String) {
        #expect(HTTPDate.date(from: text) == nil)
    }
}
