//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("Table entity ETags")
struct TableETagTests {
    @Test("writes Azure's format exactly")
    func writesAzureFormat() throws {
        let timestamp = try #require(PreciseTimestamp(iso8601: "2021-09-21T00:53:10.3976998Z"))
        #expect(TableETag.make(timestamp) == #"W/"datetime'2021-09-21T00%3A53%3A10.3976998Z'""#)
    }

    @Test("always writes seven fractional digits, trailing zeros included")
    func keepsSevenDigits() throws {
        let timestamp = try #require(PreciseTimestamp(iso8601: "2020-10-01T00:38:37.2800060Z"))
        #expect(TableETag.make(timestamp) == #"W/"datetime'2020-10-01T00%3A38%3A37.2800060Z'""#)
        let whole = try #require(PreciseTimestamp(iso8601: "2020-10-01T00:38:37Z"))
        #expect(TableETag.make(whole) == #"W/"datetime'2020-10-01T00%3A38%3A37.0000000Z'""#)
        // ETags in the trimmed form some Azure responses use still read back.
        #expect(TableETag.timestamp(from: #"W/"datetime'2020-10-01T00%3A38%3A37.280006Z'""#) == timestamp)
    }

    @Test("reads the instant back from an ETag")
    func readsTimestamp() throws {
        let timestamp = try #require(PreciseTimestamp(iso8601: "2021-09-21T00:53:10.3976998Z"))
        #expect(TableETag.timestamp(from: TableETag.make(timestamp)) == timestamp)
        #expect(TableETag.timestamp(from: #"W/"datetime'2021-09-21T00%3a53%3a10.3976998Z'""#) == timestamp)
        #expect(TableETag.timestamp(from: #"W/"datetime'2021-09-21T00:53:10.3976998Z'""#) == timestamp)
        #expect(TableETag.isWellFormed(#"W/"datetime'2020-10-01T00%3A38%3A37.28Z'""#))
    }

    @Test(
        "rejects malformed ETags",
        arguments: [
            "",
            "*",
            #""datetime'2021-09-21T00%3A53%3A10.3976998Z'""#,
            #"W/"datetime'2021-09-21T00%3A53%3A10.3976998Z'"#,
            #"W/"datetime'2021-09-21T00%3A53%3A10.3976998Z'"x"#,
            #"W/"0x8D97C8F1E2A3B4C""#,
            #"W/"datetime''""#,
            #"W/"datetime'2021-13-01T00%3A00%3A00Z'""#,
            #"W/"datetime'2021-09-21T00%3A53%3A10.39769981Z'""#,
            #"W/"datetime'2021-09-21T00%3A53%3A10.3976998'""#,
            #"W/"datetime'2021-09-21T00%3G53%3A10Z'""#,
            #"w/"datetime'2021-09-21T00%3A53%3A10Z'""#,
            #"W/"datetime"2021-09-21T00%3A53%3A10Z"""#,
        ])
    func rejectsMalformed(etag: String) {
        #expect(TableETag.timestamp(from: etag) == nil)
        #expect(!TableETag.isWellFormed(etag))
    }

    @Test("an entity's ETag follows its timestamp")
    func entityETag() throws {
        var entity = TableEntity(partitionKey: "p", rowKey: "r")
        #expect(entity.etag == nil)
        let timestamp = try #require(PreciseTimestamp(iso8601: "2021-09-21T00:53:10.3976998Z"))
        entity.timestamp = timestamp
        #expect(entity.etag == TableETag.make(timestamp))
    }
}
