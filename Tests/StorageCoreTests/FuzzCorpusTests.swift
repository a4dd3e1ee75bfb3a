//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

/// The fuzzers' seed and regression inputs (`fuzz/corpus/<target>`), run through the same
/// checks as the fuzz targets in `fuzz/Targets`, so a fixed finding stays fixed in the normal
/// test suite; and the hostile shapes the fuzzers are slow to build (deep nesting).
@Suite("Fuzzing corpus and hostile inputs")
struct FuzzCorpusTests {
    private static let corpus = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus")

    private static func inputs(_ target: String) throws -> [[UInt8]] {
        let directory = Self.corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        return try names.map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    @Test("every filter in the corpus reads back from its description")
    func filtersReadBack() throws {
        var parsed = 0
        for input in try Self.inputs("filter") {
            guard let expression = try? FilterExpression.parse(String(decoding: input, as: UTF8.self)) else { continue }
            parsed += 1
            let description = expression.description
            #expect(try FilterExpression.parse(description).description == description)
        }
        #expect(parsed > 0)
    }

    /// The fuzzer's first report: the filter target compared trees, and a tree holding a `NaN`
    /// literal is never equal to itself. The description is the stable thing to compare.
    @Test("a filter with NaN and INF literals reads back as the same text, not an equal tree")
    func notANumberReadsBack() throws {
        let expression = try FilterExpression.parse("Ratio eq NaN or Ratio gt INF or Count eq -2147483648")
        let reparsed = try FilterExpression.parse(expression.description)
        #expect(reparsed.description == expression.description)
        #expect(reparsed != expression)
    }

    @Test("every entity in the corpus with both keys survives encoding at full metadata")
    func entitiesReadBack() throws {
        let context = EntityJSONContext(
            baseURL: "http://127.0.0.1:10002/devstoreaccount1", accountName: "devstoreaccount1", tableName: "t")
        var decoded = 0
        for input in try Self.inputs("entity-json") {
            guard let entity = try? EntityJSON.decode(input).requiringKeys() else { continue }
            decoded += 1
            let encoded = JSONWriter.bytes(EntityJSON.encode(entity, metadata: .fullMetadata, context: context))
            let again = try EntityJSON.decode(encoded)
            #expect(again.properties == entity.properties)
            #expect(again.partitionKey == entity.partitionKey && again.rowKey == entity.rowKey)
        }
        #expect(decoded > 0)
    }

    @Test("every message list in the corpus survives encoding")
    func messageListsReadBack() throws {
        var decoded = 0
        for input in try Self.inputs("queue-xml") {
            guard let messages = try? QueueMessageXML.decodeList(input) else { continue }
            decoded += 1
            #expect(try QueueMessageXML.decodeList(QueueMessageXML.encodeList(messages)) == messages)
        }
        #expect(decoded > 0)
    }

    @Test("every account in the corpus reads back from the connection string it writes")
    func connectionStringsReadBack() throws {
        var parsed = 0
        for input in try Self.inputs("connection-string") {
            guard let account = try? StorageAccount(connectionString: String(decoding: input, as: UTF8.self)) else {
                continue
            }
            parsed += 1
            #expect(try StorageAccount(connectionString: account.connectionString) == account)
        }
        #expect(parsed > 0)
    }

    /// Found by the connection-string target: `%3b` in an endpoint's host came back as `;` in
    /// the connection string the account wrote, which then split there and did not parse.
    @Test(
        "an endpoint whose host is not a DNS name or IP address is refused",
        arguments: [
            "https://a.table.core%3bwindows.net", "https://a%3B.table.core.windows.net/", "http://a%20b:10002/acct",
            "https://acct.table.x=y&z",
        ])
    func endpointHostMustBeAName(_ endpoint: String) {
        #expect {
            try StorageAccount(connectionString: "AccountName=acct;TableEndpoint=\(endpoint)")
        } throws: { error in
            let error = error as? StorageConfigurationError
            return error?.code == .invalidEndpoint
                && error?.message == "'TableEndpoint' has a host that is not a DNS name or an IP address."
        }
    }

    @Test(
        "endpoint hosts that are names or addresses still read back",
        arguments: ["http://127.0.0.1:10002/acct", "http://[::1]:10002/acct", "https://my_host.example-1.net"])
    func endpointHostNamesReadBack(_ endpoint: String) throws {
        let account = try StorageAccount(connectionString: "AccountName=acct;TableEndpoint=\(endpoint)")
        #expect(account.tableEndpoint?.absoluteString == endpoint)
        #expect(try StorageAccount(connectionString: account.connectionString) == account)
    }

    @Test("XML nested far past the limit is refused with a reason, not a stack overflow")
    func deepXML() {
        let depth = 100_000
        let document = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect {
            try XMLReader.parse(document)
        } throws: { error in
            (error as? XMLReadError)?.reason == "Elements are nested too deeply."
        }
    }

    @Test("an entity body nested far past the JSON limit is InvalidInput, not a stack overflow")
    func deepEntityJSON() {
        let body = Array(
            (String(repeating: "{\"a\":", count: 100_000) + "1" + String(repeating: "}", count: 100_000)).utf8)
        #expect {
            try EntityJSON.decode(body)
        } throws: { error in
            (error as? StorageError)?.code == .invalidInput && (error as? StorageError)?.status == 400
        }
    }
}
