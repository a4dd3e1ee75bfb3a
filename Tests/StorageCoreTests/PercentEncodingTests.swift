//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("Percent-encoding and query parameters")
struct PercentEncodingTests {
    @Test("encodes everything but unreserved and allowed characters")
    func encodes() {
        #expect(PercentEncoding.encode("a b'c/ü") == "a%20b%27c%2F%C3%BC")
        #expect(PercentEncoding.encode("a/b c", allowing: "/") == "a/b%20c")
        #expect(PercentEncoding.encode("AZaz09-._~") == "AZaz09-._~")
    }

    @Test("decodes, keeping plus signs, and rejects broken escapes")
    func decodes() {
        #expect(PercentEncoding.decode("a%20b%27c%2F%C3%BC") == "a b'c/ü")
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decode("%zz") == nil)
        #expect(PercentEncoding.decode("%4") == nil)
        #expect(PercentEncoding.decode("%FF") == nil)
    }

    @Test("parses a raw query in order and looks names up case-insensitively")
    func parsesQuery() throws {
        let query = try QueryParameters(encodedQuery: "comp=list&prefix=&Include=metadata&flag&x=a%3Db%26c")
        #expect(query.parameters.map(\.name) == ["comp", "prefix", "Include", "flag", "x"])
        #expect(query["include"] == "metadata")
        #expect(query["prefix"] == "")
        #expect(query["flag"] == "")
        #expect(query["x"] == "a=b&c")
        #expect(query["missing"] == nil)
    }

    @Test("re-encodes a query that parses back to the same parameters")
    func reEncodes() throws {
        let query: QueryParameters = ["$filter": "PartitionKey eq 'a b'", "popreceipt": "AgAAAA+/="]
        let reparsed = try QueryParameters(encodedQuery: query.encodedQuery)
        #expect(reparsed == query)
        #expect(query.encodedQuery.hasPrefix("$filter="))
    }

    @Test("names the broken part, never a signature")
    func reportsBrokenPart() {
        #expect(throws: QueryParameters.MalformedQueryError.self) { try QueryParameters(encodedQuery: "a=%zz") }
        do {
            _ = try QueryParameters(encodedQuery: "sv=2020&sig=abc%zz")
            Issue.record("expected an error")
        } catch {
            #expect(!error.description.contains("abc"))
        }
    }
}
