//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageClient
import StorageCore
import Testing

// The Table service at the HTTP level: requests no SDK can send (malformed bodies, headers,
// filters, envelopes, signatures), sent raw but signed through libcurl to an in-process emulator.
// Every failure is checked for its exact status, for its Azure error code in both `x-ms-error-code`
// and the JSON `odata.error.code`, and for having changed nothing.

// MARK: - Shared checks and fixtures

/// Checks an error response: status, the code in the header and in the JSON body, and JSON.
func expectError(
    _ response: TableTestResponse, status: Int, code: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "status, body: \(response.text)", sourceLocation: sourceLocation)
    #expect(
        response.headers["x-ms-error-code"] == code, "x-ms-error-code, body: \(response.text)",
        sourceLocation: sourceLocation)
    #expect(response.bodyErrorCode == code, "odata.error.code, body: \(response.text)", sourceLocation: sourceLocation)
    #expect(
        response.headers["Content-Type"] == ODataMetadata.minimalMetadata.responseContentType,
        "error Content-Type", sourceLocation: sourceLocation)
    let parsed = StorageError(status: response.status, headers: response.headers, body: response.body)
    #expect(parsed.code.rawValue == code, sourceLocation: sourceLocation)
}

/// The table every test starts with and its one entity.
enum Seed {
    static let table = "people"
    static let partitionKey = "p"
    static let rowKey = "r"
    static let entity =
        #"{"PartitionKey":"p","RowKey":"r","Name":"Ann","Age":30,"Big@odata.type":"Edm.Int64","Big":"9000000000"}"#
    static var entityPath: String { SignedTableClient.entityPath(Self.table, Self.partitionKey, Self.rowKey) }
    static var newEntityPath: String { SignedTableClient.entityPath(Self.table, Self.partitionKey, "new") }

    /// Creates `people` with the seed entity.
    static func populate(_ client: SignedTableClient) async throws {
        try await client.createTable(Self.table)
        try await client.insert(Self.table, Self.entity)
    }
}

/// Everything a failed request must leave alone: the tables and the seed table's content.
struct ServiceState: Equatable, CustomStringConvertible {
    var tables: [String]
    var people: String

    static func read(_ client: SignedTableClient) async throws -> ServiceState {
        ServiceState(tables: try await client.tableNames(), people: try await client.snapshot(Seed.table))
    }

    var description: String { "tables \(self.tables), people \(self.people)" }
}

/// A named test input, so that parameterized cases read well in the results.
struct NamedInput: Sendable, CustomTestStringConvertible {
    var name: String
    var value: String
    var testDescription: String { self.name }

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Starts an emulator with the seed, runs `body`, and always shuts the emulator down.
func withSeededEmulator(_ body: (SignedTableClient) async throws -> Void) async throws {
    let client = try SignedTableClient()
    defer { client.shutdown() }
    try await Seed.populate(client)
    try await body(client)
}

// MARK: - Malformed bodies

/// A body that is not a valid JSON object.
enum MalformedBody: String, CaseIterable, Sendable {
    case truncated
    case empty
    case array
    case string
    case number
    case null
    case invalidUTF8InValue
    case invalidUTF8InName
    case overlongUTF8
    case trailingGarbage
    case secondDocument
    case deepArrays
    case deepObjects

    var bytes: [UInt8] {
        let prefix = Array(#"{"PartitionKey":"p","RowKey":"new","#.utf8)
        switch self {
        case .truncated: return Array(#"{"PartitionKey":"p","RowKey":"new","Age":3"#.utf8)
        case .empty: return []
        case .array: return Array(#"[{"PartitionKey":"p","RowKey":"new"}]"#.utf8)
        case .string: return Array(#""PartitionKey""#.utf8)
        case .number: return Array("42".utf8)
        case .null: return Array("null".utf8)
        case .invalidUTF8InValue: return prefix + Array(#""Name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        case .invalidUTF8InName: return prefix + [0x22, 0xFF, 0xFE, 0x22] + Array(#":1}"#.utf8)
        case .overlongUTF8: return prefix + Array(#""Name":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        case .trailingGarbage: return Array(#"{"PartitionKey":"p","RowKey":"new","Age":1}garbage"#.utf8)
        case .secondDocument: return Array(#"{"PartitionKey":"p","RowKey":"new"} {"Age":1}"#.utf8)
        case .deepArrays:
            return prefix + Array(#""Deep":"#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 10_000)
                + [UInt8](repeating: UInt8(ascii: "]"), count: 10_000) + Array("}".utf8)
        case .deepObjects:
            return Array(String(repeating: #"{"a":"#, count: 10_000).utf8) + Array("1".utf8)
                + [UInt8](repeating: UInt8(ascii: "}"), count: 10_000)
        }
    }
}

/// A request that carries a JSON body.
enum BodyOperation: String, CaseIterable, Sendable {
    case insert
    case update
    case merge
    case insertOrReplace
    case insertOrMerge
    case createTable

    var method: String {
        switch self {
        case .insert, .createTable: "POST"
        case .update, .insertOrReplace: "PUT"
        case .merge, .insertOrMerge: "MERGE"
        }
    }

    var path: String {
        switch self {
        case .insert: "/\(Seed.table)"
        case .createTable: "/Tables"
        case .update, .merge: Seed.entityPath
        case .insertOrReplace, .insertOrMerge: Seed.newEntityPath
        }
    }

    var headers: HTTPHeaders {
        switch self {
        case .update, .merge: ["If-Match": "*", "Content-Type": "application/json"]
        default: ["Content-Type": "application/json"]
        }
    }
}

@Suite("Table service over HTTP: malformed JSON bodies", .timeLimit(.minutes(2)))
struct MalformedBodyTests {
    @Test(
        "a malformed body is 400 InvalidInput, changes nothing, and the emulator keeps serving",
        arguments: MalformedBody.allCases, BodyOperation.allCases)
    func malformedBody(body: MalformedBody, operation: BodyOperation) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                operation.method, operation.path, headers: operation.headers, body: body.bytes)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
            // Still serving, on the same connection or a new one.
            let get = try await client.getEntity(Seed.table, Seed.partitionKey, Seed.rowKey)
            #expect(get.status == 200)
        }
    }

    static let badTypedValues: [NamedInput] = [
        NamedInput("unknown Edm type", #""X@odata.type":"Edm.Decimal","X":"1""#),
        NamedInput("lower-case Edm type", #""X@odata.type":"edm.int64","X":"1""#),
        NamedInput("annotation not a string", #""X@odata.type":5,"X":"1""#),
        NamedInput("Int64 abc", #""X@odata.type":"Edm.Int64","X":"abc""#),
        NamedInput("Int64 with fraction", #""X@odata.type":"Edm.Int64","X":"12.5""#),
        NamedInput("Int64 overflow", #""X@odata.type":"Edm.Int64","X":"9223372036854775808""#),
        NamedInput("Int32 overflow", #""X@odata.type":"Edm.Int32","X":2147483648"#),
        NamedInput("Int32 as string", #""X@odata.type":"Edm.Int32","X":"5""#),
        NamedInput("Binary not base64", #""X@odata.type":"Edm.Binary","X":"not base64!""#),
        NamedInput("Binary as number", #""X@odata.type":"Edm.Binary","X":12"#),
        NamedInput("Guid garbage", #""X@odata.type":"Edm.Guid","X":"not-a-guid""#),
        NamedInput("Guid too long", #""X@odata.type":"Edm.Guid","X":"c9da6455-213d-42c9-9a79-3e9149a578330""#),
        NamedInput("Guid without hyphens", #""X@odata.type":"Edm.Guid","X":"c9da6455213d42c99a793e9149a57833""#),
        NamedInput("DateTime 8 fraction digits", #""X@odata.type":"Edm.DateTime","X":"2020-01-01T00:00:00.12345678Z""#),
        NamedInput("DateTime garbage", #""X@odata.type":"Edm.DateTime","X":"garbage""#),
        NamedInput("DateTime month 13", #""X@odata.type":"Edm.DateTime","X":"2020-13-01T00:00:00Z""#),
        NamedInput("DateTime as number", #""X@odata.type":"Edm.DateTime","X":1577836800"#),
        NamedInput("Boolean as string", #""X@odata.type":"Edm.Boolean","X":"true""#),
        NamedInput("Double abc", #""X@odata.type":"Edm.Double","X":"abc""#),
        NamedInput("String as number", #""X@odata.type":"Edm.String","X":5"#),
        NamedInput("nested object value", #""X":{"a":1}"#),
        NamedInput("array value", #""X":[1,2]"#),
    ]

    @Test(
        "a value that does not fit its annotation is 400 InvalidInput and changes nothing",
        arguments: Self.badTypedValues, [BodyOperation.insert, .update, .merge, .insertOrMerge])
    func badTypedValue(value: NamedInput, operation: BodyOperation) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let keys = operation == .insert ? #""PartitionKey":"p","RowKey":"new","# : ""
            let response = try await client.send(
                operation.method, operation.path, headers: operation.headers,
                text: "{" + keys + #""Name":"Changed","# + value.value + "}")
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "an entity over 1 MiB is 400 EntityTooLarge and is not stored",
        arguments: [BodyOperation.insert, .insertOrReplace])
    func entityTooLarge(operation: BodyOperation) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let keys = operation == .insert ? #""PartitionKey":"p","RowKey":"new","# : ""
            let properties = (1...17).map { #""P\#($0)":"\#(String(repeating: "x", count: 32_000))""# }
            let response = try await client.send(
                operation.method, operation.path, headers: operation.headers,
                text: "{" + keys + properties.joined(separator: ",") + "}")
            expectError(response, status: 400, code: "EntityTooLarge")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a MERGE that would grow an entity past 1 MiB is 400 EntityTooLarge and keeps the old entity")
    func mergeBeyondOneMebibyte() async throws {
        try await withSeededEmulator { client in
            let half = (1...9).map { #""A\#($0)":"\#(String(repeating: "a", count: 32_000))""# }
            let put = try await client.send(
                "PUT", Seed.entityPath, text: "{" + half.joined(separator: ",") + "}")
            #expect(put.status == 204)
            let before = try await ServiceState.read(client)
            let other = (1...9).map { #""B\#($0)":"\#(String(repeating: "b", count: 32_000))""# }
            let response = try await client.send(
                "MERGE", Seed.entityPath, headers: ["If-Match": "*"], text: "{" + other.joined(separator: ",") + "}")
            expectError(response, status: 400, code: "EntityTooLarge")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "a property named twice is 400 DuplicatePropertiesSpecified and changes nothing",
        arguments: [
            NamedInput("same value twice", #""Age":1,"Age":1"#),
            NamedInput("value then null", #""Age":1,"Age":null"#),
            NamedInput("annotation twice", #""Age@odata.type":"Edm.Int64","Age@odata.type":"Edm.Int64","Age":"1""#),
        ], [BodyOperation.insert, .update, .merge])
    func duplicateProperty(value: NamedInput, operation: BodyOperation) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let keys = operation == .insert ? #""PartitionKey":"p","RowKey":"new","# : ""
            let response = try await client.send(
                operation.method, operation.path, headers: operation.headers, text: "{" + keys + value.value + "}")
            expectError(response, status: 400, code: "DuplicatePropertiesSpecified")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "keys in the body that differ from the URL's are 400 InvalidInput and change nothing",
        arguments: [BodyOperation.update, .merge, .insertOrReplace, .insertOrMerge],
        [#""PartitionKey":"other""#, #""RowKey":"other""#, #""PartitionKey":5"#])
    func bodyKeysDifferFromURL(operation: BodyOperation, keys: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                operation.method, operation.path, headers: operation.headers, text: "{" + keys + #","Age":99}"#)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    static let malformedEntityURLs: [NamedInput] = [
        NamedInput("no RowKey", "/people(PartitionKey='p')"),
        NamedInput("no closing parenthesis", "/people(PartitionKey='p',RowKey='r'"),
        NamedInput("unterminated literal", "/people(PartitionKey='p',RowKey='r)"),
        NamedInput("unquoted key", "/people(PartitionKey=p,RowKey='r')"),
        NamedInput("unknown key name", "/people(PartitionKey='p',Row='r')"),
        NamedInput("RowKey twice", "/people(PartitionKey='p',RowKey='r',RowKey='s')"),
        NamedInput("bad percent-encoding", "/people(PartitionKey='p%zz',RowKey='r')"),
        NamedInput("extra path segment", "/people/extra(PartitionKey='p',RowKey='r')"),
    ]

    @Test(
        "a malformed entity URL is 400 InvalidInput and changes nothing",
        arguments: Self.malformedEntityURLs, ["PUT", "MERGE", "DELETE"])
    func malformedEntityURL(path: NamedInput, method: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                method, path.value, headers: ["If-Match": "*"],
                body: method == "DELETE" ? [] : Array(#"{"Age":99}"#.utf8))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }
}

// MARK: - If-Match

@Suite("Table service over HTTP: If-Match", .timeLimit(.minutes(2)))
struct IfMatchTests {
    static let malformedETags: [NamedInput] = [
        NamedInput("abc", "abc"),
        NamedInput("strong \"x\"", #""x""#),
        NamedInput("weak garbage datetime", #"W/"datetime'garbage'""#),
        NamedInput("weak x", #"W/"x""#),
        NamedInput("weak empty datetime", #"W/"datetime''""#),
        NamedInput("datetime without W/", #""datetime'2020-01-01T00%3A00%3A00.0000000Z'""#),
        NamedInput("weak datetime, 8 fraction digits", #"W/"datetime'2020-01-01T00%3A00%3A00.12345678Z'""#),
        NamedInput("weak datetime, unterminated", #"W/"datetime'2020-01-01T00%3A00%3A00Z"#),
    ]

    static let methods = ["PUT", "MERGE", "DELETE"]

    static func body(for method: String) -> [UInt8] {
        method == "DELETE" ? [] : Array(#"{"Name":"Changed"}"#.utf8)
    }

    @Test("a malformed If-Match is 400 InvalidInput and changes nothing", arguments: Self.methods, Self.malformedETags)
    func malformed(method: String, etag: NamedInput) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                method, Seed.entityPath, headers: ["If-Match": etag.value], body: Self.body(for: method))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a malformed If-Match on a missing entity is still 400 InvalidInput", arguments: Self.methods)
    func malformedOnMissingEntity(method: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                method, Seed.newEntityPath, headers: ["If-Match": "abc"], body: Self.body(for: method))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a well-formed stale ETag is 412 UpdateConditionNotSatisfied and changes nothing", arguments: Self.methods)
    func stale(method: String) async throws {
        try await withSeededEmulator { client in
            let first = try #require(try await client.getEntity(Seed.table, "p", "r").headers["ETag"])
            let merge = try await client.send(
                "MERGE", Seed.entityPath, headers: ["If-Match": first], text: #"{"Age":31}"#)
            #expect(merge.status == 204)
            #expect(merge.headers["ETag"] != first)
            let before = try await ServiceState.read(client)
            for stale in [first, #"W/"datetime'2001-01-01T00%3A00%3A00.0000000Z'""#] {
                let response = try await client.send(
                    method, Seed.entityPath, headers: ["If-Match": stale], body: Self.body(for: method))
                expectError(response, status: 412, code: "UpdateConditionNotSatisfied")
            }
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("If-Match: * and the current ETag both succeed", arguments: Self.methods, [true, false])
    func matching(method: String, useStar: Bool) async throws {
        try await withSeededEmulator { client in
            let current = try #require(try await client.getEntity(Seed.table, "p", "r").headers["ETag"])
            let response = try await client.send(
                method, Seed.entityPath, headers: ["If-Match": useStar ? "*" : current],
                body: method == "DELETE" ? [] : Array(#"{"City":"Oslo"}"#.utf8))
            #expect(response.status == 204, "\(response.text)")
            let after = try await client.getEntity(Seed.table, "p", "r")
            switch method {
            case "DELETE":
                expectError(after, status: 404, code: "ResourceNotFound")
            case "PUT":
                let entity = try #require(after.jsonObject())
                #expect(entity["City"] as? String == "Oslo")
                #expect(entity["Name"] == nil, "PUT replaces the whole entity")
                #expect(after.headers["ETag"] == response.headers["ETag"])
            default:
                let entity = try #require(after.jsonObject())
                #expect(entity["City"] as? String == "Oslo")
                #expect(entity["Name"] as? String == "Ann", "MERGE keeps the other properties")
                #expect(after.headers["ETag"] == response.headers["ETag"])
            }
        }
    }

    @Test("DELETE without If-Match is 400 MissingRequiredHeader and deletes nothing")
    func deleteWithoutIfMatch() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send("DELETE", Seed.entityPath)
            expectError(response, status: 400, code: "MissingRequiredHeader")
            #expect(try await ServiceState.read(client) == before)
        }
    }
}

// MARK: - Queries

@Suite("Table service over HTTP: $filter, $top and continuation tokens", .timeLimit(.minutes(2)))
struct QueryOptionTests {
    static let malformedFilters: [NamedInput] = [
        NamedInput("unbalanced (", "(PartitionKey eq 'p'"),
        NamedInput("unbalanced )", "PartitionKey eq 'p')"),
        NamedInput("double-quoted string", #"PartitionKey eq "p""#),
        NamedInput("16 comparisons", (1...16).map { "Age eq \($0)" }.joined(separator: " or ")),
        NamedInput("unknown operator xx", "Age xx 30"),
        NamedInput("C operator ==", "Age == 30"),
        NamedInput("Age eq", "Age eq"),
        NamedInput("eq 30", "eq 30"),
        NamedInput(
            "10 000 (", String(repeating: "(", count: 10_000) + "Age eq 30" + String(repeating: ")", count: 10_000)),
        NamedInput("10 000 ( unclosed", String(repeating: "(", count: 10_000)),
        NamedInput("unterminated string", "Name eq 'Ann"),
        NamedInput("dangling and", "Age eq 30 and"),
        NamedInput("arithmetic", "Age add 1 eq 31"),
        NamedInput("bare number literal", "30"),
        NamedInput("bare string literal", "'Ann'"),
        NamedInput("function call", "startswith(Name,'A')"),
        NamedInput("bad datetime literal", "Timestamp ge datetime'yesterday'"),
        NamedInput("bad guid literal", "Id eq guid'xyz'"),
        NamedInput("property compared with property", "Age eq Big"),
    ]

    @Test("a malformed $filter on Query Entities is 400 InvalidInput", arguments: Self.malformedFilters)
    func malformedEntityFilter(filter: NamedInput) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                "GET", "/\(Seed.table)()?$filter=" + SignedTableClient.queryValue(filter.value))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    static let malformedTableFilters: [NamedInput] = [
        NamedInput("unbalanced (", "(TableName eq 'people'"),
        NamedInput("double-quoted string", #"TableName eq "people""#),
        NamedInput("16 comparisons", (1...16).map { "TableName eq 't\($0)'" }.joined(separator: " or ")),
        NamedInput("TableName eq", "TableName eq"),
        NamedInput("10 000 (", String(repeating: "(", count: 10_000)),
    ]

    @Test("a malformed $filter on Query Tables is 400 InvalidInput", arguments: Self.malformedTableFilters)
    func malformedTableFilter(filter: NamedInput) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send(
                "GET", "/Tables?$filter=" + SignedTableClient.queryValue(filter.value))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await client.tableNames() == [Seed.table])
        }
    }

    @Test(
        "a $select that names no property is 400 InvalidInput",
        arguments: ["Na-me", "Name,,Age", "1Age", "Name Age", "Name,"])
    func badSelect(select: String) async throws {
        try await withSeededEmulator { client in
            for path in [Seed.entityPath, "/\(Seed.table)()"] {
                let response = try await client.send("GET", path + "?$select=" + SignedTableClient.queryValue(select))
                expectError(response, status: 400, code: "InvalidInput")
            }
        }
    }

    @Test("15 comparisons are accepted, the limit itself")
    func fifteenComparisons() async throws {
        try await withSeededEmulator { client in
            let filter = (16...30).map { "Age eq \($0)" }.joined(separator: " or ")
            let response = try await client.send(
                "GET", "/\(Seed.table)()?$filter=" + SignedTableClient.queryValue(filter))
            #expect(response.status == 200)
            #expect(response.values?.count == 1)
        }
    }

    @Test(
        "$top outside 1...1000 or not a number is 400 InvalidInput",
        arguments: ["0", "1001", "abc", "-1", "1.5", "99999999999999999999"], ["/people()", "/Tables"])
    func badTop(top: String, path: String) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send("GET", path + "?$top=" + SignedTableClient.queryValue(top))
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client).tables == [Seed.table])
        }
    }

    @Test("$top=1 and $top=1000 are accepted", arguments: ["1", "1000"])
    func goodTop(top: String) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send("GET", "/\(Seed.table)()?$top=\(top)")
            #expect(response.status == 200)
            #expect(response.values?.count == 1)
        }
    }

    static let badTokens: [NamedInput] = [
        NamedInput("NextPartitionKey garbage", "/people()?NextPartitionKey=garbage"),
        NamedInput("NextPartitionKey bad base64", "/people()?NextPartitionKey=1!%2A%2A%2A"),
        NamedInput("NextPartitionKey not UTF-8", "/people()?NextPartitionKey=1!_w"),
        NamedInput("NextPartitionKey Azure-style", "/people()?NextPartitionKey=1!8!dXNlcg--"),
        NamedInput("NextRowKey garbage", "/people()?NextPartitionKey=1!cA&NextRowKey=garbage"),
        NamedInput("NextRowKey not UTF-8", "/people()?NextPartitionKey=1!cA&NextRowKey=1!_w"),
        NamedInput("NextTableName garbage", "/Tables?NextTableName=garbage"),
        NamedInput("NextTableName not UTF-8", "/Tables?NextTableName=1!_w"),
    ]

    @Test("a continuation token the service did not issue is 400 InvalidInput", arguments: Self.badTokens)
    func badContinuation(path: NamedInput) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send("GET", path.value)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("the service's own continuation tokens page through the table")
    func goodContinuation() async throws {
        try await withSeededEmulator { client in
            try await client.insert(Seed.table, #"{"PartitionKey":"p","RowKey":"s"}"#)
            let first = try await client.send("GET", "/\(Seed.table)()?$top=1")
            #expect(first.status == 200)
            let partition = try #require(first.headers["x-ms-continuation-NextPartitionKey"])
            let row = try #require(first.headers["x-ms-continuation-NextRowKey"])
            let second = try await client.send(
                "GET",
                "/\(Seed.table)()?$top=1&NextPartitionKey=\(SignedTableClient.queryValue(partition))"
                    + "&NextRowKey=\(SignedTableClient.queryValue(row))")
            #expect(second.status == 200)
            #expect(second.values?.first?["RowKey"] as? String == "s")
        }
    }
}

// MARK: - Oversized requests

@Suite("Table service over HTTP: oversized bodies", .timeLimit(.minutes(2)))
struct OversizedBodyTests {
    @Test(
        "a 5 MiB body is 413 RequestBodyTooLarge as JSON, with or without Expect, and the server serves a new connection",
        arguments: ["/people", "/$batch"], [true, false])
    func fiveMebibytes(path: String, expectingContinue: Bool) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let connectionsBefore = client.transport.connectionsOpened
            var body = Array(#"{"PartitionKey":"p","RowKey":"big","Data":""#.utf8)
            body += [UInt8](repeating: UInt8(ascii: "x"), count: 5 * 1024 * 1024)
            body += Array(#""}"#.utf8)
            var headers: HTTPHeaders =
                path == "/$batch"
                ? ["Content-Type": "multipart/mixed; boundary=batch_big"] : ["Content-Type": "application/json"]
            // Waiting for 100 Continue, the client gets the 413 before it sends anything; sending
            // at once, it has its 5 MiB read and dropped first (under twice the 4 MiB limit), so
            // it is not reset while still sending and reads the 413 either way.
            if expectingContinue {
                headers.add(name: "Expect", value: "100-continue")
            }
            let response = try await client.send("POST", path, headers: headers, body: body)
            expectError(response, status: 413, code: "RequestBodyTooLarge")
            #expect(response.headers["x-ms-request-id"] != nil)
            #expect(try await ServiceState.read(client) == before)
            #expect(
                client.transport.connectionsOpened > connectionsBefore,
                "the 413 closes its connection, so the next request needs a new one")
        }
    }

    @Test("a chunked 5 MiB body, with no Content-Length, is 413 RequestBodyTooLarge as JSON")
    func fiveMebibytesChunked() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            var body = Array(#"{"PartitionKey":"p","RowKey":"big","Data":""#.utf8)
            body += [UInt8](repeating: UInt8(ascii: "x"), count: 5 * 1024 * 1024)
            body += Array(#""}"#.utf8)
            let response = try await client.send(
                "POST", "/\(Seed.table)",
                headers: ["Content-Type": "application/json", "Transfer-Encoding": "chunked"], body: body)
            expectError(response, status: 413, code: "RequestBodyTooLarge")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a body of exactly 4 MiB is read, not refused as too large")
    func fourMebibytesIsRead() async throws {
        try await withSeededEmulator { client in
            // Valid JSON, 4 MiB long, but whose string is far over 32K: the service must read it
            // and judge the value, not refuse the body.
            let prefix = Array(#"{"PartitionKey":"p","RowKey":"big","Data":""#.utf8)
            let suffix = Array(#""}"#.utf8)
            let body =
                prefix + [UInt8](repeating: UInt8(ascii: "x"), count: 4 * 1024 * 1024 - prefix.count - suffix.count)
                + suffix
            #expect(body.count == TableService.maximumBodyBytes)
            let before = try await ServiceState.read(client)
            let response = try await client.send("POST", "/\(Seed.table)", body: body)
            expectError(response, status: 400, code: "PropertyValueTooLarge")
            #expect(try await ServiceState.read(client) == before)
        }
    }
}

// MARK: - X-HTTP-Method

@Suite("Table service over HTTP: X-HTTP-Method tunnelling", .timeLimit(.minutes(2)))
struct XHTTPMethodTests {
    @Test("two X-HTTP-Method headers are 400 XMethodIncorrectCount")
    func twoHeaders() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let headers = HTTPHeaders([
                ("X-HTTP-Method", "MERGE"), ("X-HTTP-Method", "MERGE"), ("If-Match", "*"),
                ("Content-Type", "application/json"),
            ])
            let response = try await client.send("POST", Seed.entityPath, headers: headers, text: #"{"Age":99}"#)
            expectError(response, status: 400, code: "XMethodIncorrectCount")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "X-HTTP-Method on a verb other than POST is 400 XMethodNotUsingPost",
        arguments: [("PUT", "MERGE"), ("MERGE", "DELETE"), ("GET", "DELETE"), ("DELETE", "DELETE"), ("PATCH", "MERGE")])
    func notPost(method: String, tunnelled: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                method, Seed.entityPath, headers: ["X-HTTP-Method": tunnelled, "If-Match": "*"],
                body: method == "GET" || method == "DELETE" ? [] : Array(#"{"Age":99}"#.utf8))
            expectError(response, status: 400, code: "XMethodNotUsingPost")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "an X-HTTP-Method other than GET, MERGE, PATCH, DELETE is 400 XMethodIncorrectValue",
        arguments: ["PUT", "FOO", "POST", ""])
    func incorrectValue(value: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                "POST", Seed.entityPath, headers: ["X-HTTP-Method": value, "If-Match": "*"], text: #"{"Age":99}"#)
            expectError(response, status: 400, code: "XMethodIncorrectValue")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("POST with X-HTTP-Method: MERGE or PATCH merges", arguments: ["MERGE", "PATCH", "merge"])
    func postMerge(tunnelled: String) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send(
                "POST", Seed.entityPath, headers: ["X-HTTP-Method": tunnelled, "If-Match": "*"],
                text: #"{"City":"Oslo"}"#)
            #expect(response.status == 204, "\(response.text)")
            #expect(response.headers["ETag"] != nil)
            let entity = try #require(try await client.getEntity(Seed.table, "p", "r").jsonObject())
            #expect(entity["City"] as? String == "Oslo")
            #expect(entity["Name"] as? String == "Ann")
            #expect(entity["Age"] as? Int == 30)
        }
    }

    @Test("POST with X-HTTP-Method: DELETE deletes")
    func postDelete() async throws {
        try await withSeededEmulator { client in
            let response = try await client.send(
                "POST", Seed.entityPath, headers: ["X-HTTP-Method": "DELETE", "If-Match": "*"])
            #expect(response.status == 204, "\(response.text)")
            expectError(try await client.getEntity(Seed.table, "p", "r"), status: 404, code: "ResourceNotFound")
        }
    }

    @Test("POST with X-HTTP-Method: DELETE still requires If-Match")
    func postDeleteWithoutIfMatch() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send("POST", Seed.entityPath, headers: ["X-HTTP-Method": "DELETE"])
            expectError(response, status: 400, code: "MissingRequiredHeader")
            #expect(try await ServiceState.read(client) == before)
        }
    }
}

// MARK: - Authentication and versions

@Suite("Table service over HTTP: authentication and x-ms-version", .timeLimit(.minutes(2)))
struct AuthenticationTests {
    static let insertBody = #"{"PartitionKey":"p","RowKey":"new","Name":"Mallory"}"#

    /// Sends an insert of `p/new` that must fail, and checks that nothing changed.
    static func expectRefusedInsert(
        _ client: SignedTableClient, status: Int, code: String, account: String = SignedTableClient.accountName,
        headers: HTTPHeaders = [:], removing: Set<String> = [], authorization: TestAuthorization = .development,
        date: TestDate = .now, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let before = try await ServiceState.read(client)
        let response = try await client.send(
            "POST", "/\(Seed.table)", account: account, headers: headers, removing: removing,
            text: Self.insertBody, authorization: authorization, date: date)
        expectError(response, status: status, code: code, sourceLocation: sourceLocation)
        #expect(try await ServiceState.read(client) == before, sourceLocation: sourceLocation)
    }

    @Test("no Authorization header is 403 AuthenticationFailed")
    func noAuthorization() async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(client, status: 403, code: "AuthenticationFailed", authorization: .none)
        }
    }

    @Test("a signature made with the wrong key is 403 AuthenticationFailed")
    func wrongKey() async throws {
        try await withSeededEmulator { client in
            let wrong = StorageAccountKey(bytes: [UInt8](repeating: 0x5A, count: 64))
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed",
                authorization: .sharedKey(account: SignedTableClient.accountName, key: wrong))
        }
    }

    @Test("a valid signature by another account is 403 AuthenticationFailed on this account's URL")
    func otherAccountsSignature() async throws {
        try await withSeededEmulator { client in
            let second = SignedTableClient.secondAccount
            let secondAuthorization = TestAuthorization.sharedKey(account: second.name, key: second.keys[0])
            // The signature is good for its own account…
            let own = try await client.send(
                "POST", "/Tables", account: second.name, text: #"{"TableName":"people"}"#,
                authorization: secondAuthorization)
            #expect(own.status == 201)
            // …but not for devstoreaccount1's URL.
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed", authorization: secondAuthorization)
            let secondPeople = try await client.send(
                "GET", "/people()", account: second.name, authorization: secondAuthorization)
            #expect(secondPeople.values?.isEmpty == true)
        }
    }

    @Test("an account in Authorization that differs from the URL's is 403, even signed with the right key")
    func headerAccountDiffers() async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed",
                authorization: .sharedKey(account: "someoneelse", key: SignedTableClient.developmentKey))
        }
    }

    @Test("an x-ms-date 20 minutes off is 403 AuthenticationFailed", arguments: [-20.0 * 60, 20.0 * 60])
    func skewedDate(offset: Double) async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed", date: .offset(seconds: offset))
        }
    }

    @Test("an x-ms-date 10 minutes old is accepted")
    func slightlyOldDate() async throws {
        try await withSeededEmulator { client in
            let response = try await client.send(
                "POST", "/\(Seed.table)", text: Self.insertBody, date: .offset(seconds: -10 * 60))
            #expect(response.status == 201)
        }
    }

    @Test("no date at all is 403 AuthenticationFailed")
    func missingDate() async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(client, status: 403, code: "AuthenticationFailed", date: .omitted)
        }
    }

    @Test(
        "an x-ms-date not in RFC 1123 form is 403 AuthenticationFailed",
        arguments: ["2024-01-01T00:00:00Z", "yesterday", "Mon, 32 Jan 2024 00:00:00 GMT"])
    func malformedDate(value: String) async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed", headers: ["x-ms-date": value], date: .omitted)
        }
    }

    @Test(
        "a garbage Authorization header is 403 AuthenticationFailed",
        arguments: [
            "garbage", "SharedKey", "SharedKey devstoreaccount1", "SharedKey devstoreaccount1:",
            "SharedKey devstoreaccount1:!!!not base64!!!", "SharedKey :c2lnbmF0dXJl", "Bearer abc.def.ghi",
            "Basic ZGV2c3RvcmVhY2NvdW50MTprZXk=", "SharedKey  devstoreaccount1:c2lnbmF0dXJl",
        ])
    func garbageAuthorization(value: String) async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 403, code: "AuthenticationFailed", authorization: .raw(value))
        }
    }

    @Test("an unknown account in the URL is 404 ResourceNotFound")
    func unknownAccount() async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 404, code: "ResourceNotFound", account: "nosuchaccount",
                authorization: .sharedKey(account: "nosuchaccount", key: SignedTableClient.developmentKey))
            let before = try await ServiceState.read(client)
            let create = try await client.send(
                "POST", "/Tables", account: "nosuchaccount", text: #"{"TableName":"other"}"#)
            expectError(create, status: 404, code: "ResourceNotFound")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("x-ms-version 2012-02-12, before JSON, is 400 InvalidHeaderValue")
    func oldVersion() async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 400, code: "InvalidHeaderValue", headers: ["x-ms-version": "2012-02-12"])
        }
    }

    @Test("a future x-ms-version is accepted", arguments: ["2099-01-01", "2026-06-06"])
    func futureVersion(version: String) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send(
                "POST", "/\(Seed.table)", headers: ["x-ms-version": version], text: Self.insertBody)
            #expect(response.status == 201)
            #expect(response.headers["x-ms-version"] == version)
        }
    }

    @Test(
        "a malformed x-ms-version is 400 InvalidHeaderValue",
        arguments: ["abc", "2019-02-2", "2019/02/02", "2019-02-02x", "", "2019-02", "20190202", "2019-02-02 "])
    func malformedVersion(version: String) async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 400, code: "InvalidHeaderValue", headers: ["x-ms-version": version])
        }
    }

    @Test(
        "an x-ms-version that is not a calendar date is 400 InvalidHeaderValue",
        arguments: ["2019-13-45", "2019-00-00", "2019-02-30"])
    func impossibleVersionDate(version: String) async throws {
        try await withSeededEmulator { client in
            try await Self.expectRefusedInsert(
                client, status: 400, code: "InvalidHeaderValue", headers: ["x-ms-version": version])
        }
    }
}

// MARK: - Batch envelopes

@Suite("Table service over HTTP: $batch envelopes", .timeLimit(.minutes(2)))
struct BatchEnvelopeTests {
    static let batchBoundary = "batch_8f4c7e7a-1111-4a4a-9b9b-000000000001"
    static let changesetBoundary = "changeset_8f4c7e7a-2222-4a4a-9b9b-000000000002"

    static func url(_ client: SignedTableClient, _ path: String, account: String = SignedTableClient.accountName)
        -> String
    {
        "\(client.origin)/\(account)\(path)"
    }

    static func insert(_ client: SignedTableClient, _ partitionKey: String, _ rowKey: String) -> BatchTestPart {
        BatchTestPart(
            method: "POST", url: Self.url(client, "/\(Seed.table)"),
            body: #"{"PartitionKey":"\#(partitionKey)","RowKey":"\#(rowKey)","Value":1}"#)
    }

    static func send(
        _ client: SignedTableClient, _ body: String, contentType: String? = nil
    ) async throws -> TableTestResponse {
        try await client.send(
            "POST", "/$batch",
            headers: [
                "Content-Type": contentType ?? "multipart/mixed; boundary=\(Self.batchBoundary)",
                "MaxDataServiceVersion": "3.0;NetFx",
            ],
            text: body)
    }

    static func send(_ client: SignedTableClient, _ parts: [BatchTestPart]) async throws -> TableTestResponse {
        try await Self.send(
            client,
            BatchTestFormat.body(parts, batchBoundary: Self.batchBoundary, changesetBoundary: Self.changesetBoundary))
    }

    /// Checks a 202 whose changeset holds only the failed operation's response.
    static func expectFailedChangeset(
        _ response: TableTestResponse, index: Int, status: Int, code: String, contentID: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(response.status == 202, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.headers["x-ms-request-id"] != nil, sourceLocation: sourceLocation)
        let parts = try BatchTestFormat.parse(response)
        #expect(parts.count == 1, "only the failed operation answers: \(response.text)", sourceLocation: sourceLocation)
        let part = try #require(parts.first, sourceLocation: sourceLocation)
        #expect(part.status == status, "\(part.body)", sourceLocation: sourceLocation)
        #expect(part.errorCode == code, "\(part.body)", sourceLocation: sourceLocation)
        #expect(
            part.errorMessage?.hasPrefix("\(index):") == true, "message \(part.errorMessage ?? "-")",
            sourceLocation: sourceLocation)
        if let contentID {
            #expect(part.headers["Content-ID"] == contentID, "Content-ID echo", sourceLocation: sourceLocation)
        }
    }

    @Test(
        "a multipart Content-Type without a boundary is 400 InvalidInput and applies nothing",
        arguments: ["multipart/mixed", "multipart/mixed; boundary=", "application/json", "multipart/mixed; charset=x"])
    func missingBoundary(contentType: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let body = BatchTestFormat.body(
                [Self.insert(client, "p", "a")], batchBoundary: Self.batchBoundary,
                changesetBoundary: Self.changesetBoundary)
            let response = try await Self.send(client, body, contentType: contentType)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "a batch without its closing delimiter is 400 InvalidInput and applies nothing",
        arguments: ["batch", "changeset", "both"])
    func noClosingDelimiter(which: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            var body = BatchTestFormat.body(
                [Self.insert(client, "p", "a"), Self.insert(client, "p", "b")], batchBoundary: Self.batchBoundary,
                changesetBoundary: Self.changesetBoundary)
            if which != "changeset" {
                body = body.replacingOccurrences(of: "--\(Self.batchBoundary)--\r\n", with: "")
            }
            if which != "batch" {
                body = body.replacingOccurrences(of: "--\(Self.changesetBoundary)--\r\n", with: "")
            }
            let response = try await Self.send(client, body)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("two changesets are 400 InvalidInput and apply nothing")
    func twoChangesets() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let second = "changeset_second"
            var body = "--\(Self.batchBoundary)\r\n"
            body += "Content-Type: multipart/mixed; boundary=\(Self.changesetBoundary)\r\n\r\n"
            body += BatchTestFormat.changesetPart(
                Self.insert(client, "p", "a"), changesetBoundary: Self.changesetBoundary)
            body += "--\(Self.changesetBoundary)--\r\n\r\n"
            body += "--\(Self.batchBoundary)\r\n"
            body += "Content-Type: multipart/mixed; boundary=\(second)\r\n\r\n"
            body += BatchTestFormat.changesetPart(Self.insert(client, "p", "b"), changesetBoundary: second)
            body += "--\(second)--\r\n\r\n"
            body += "--\(Self.batchBoundary)--\r\n"
            let response = try await Self.send(client, body)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a batch part that is not a changeset is 400 InvalidInput")
    func partIsNotAChangeset() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            var body = "--\(Self.batchBoundary)\r\n"
            body += "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
            body += "POST \(Self.url(client, "/people")) HTTP/1.1\r\nContent-Type: application/json\r\n\r\n"
            body += #"{"PartitionKey":"p","RowKey":"a"}"# + "\r\n"
            body += "--\(Self.batchBoundary)--\r\n"
            let response = try await Self.send(client, body)
            expectError(response, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("a changeset part addressing another account fails that operation and applies nothing")
    func otherAccountURL() async throws {
        try await withSeededEmulator { client in
            let second = SignedTableClient.secondAccount
            let secondAuthorization = TestAuthorization.sharedKey(account: second.name, key: second.keys[0])
            let created = try await client.send(
                "POST", "/Tables", account: second.name, text: #"{"TableName":"people"}"#,
                authorization: secondAuthorization)
            #expect(created.status == 201)
            let before = try await ServiceState.read(client)
            var foreign = Self.insert(client, "p", "b")
            foreign.url = Self.url(client, "/people", account: second.name)
            let response = try await Self.send(client, [Self.insert(client, "p", "a"), foreign])
            try Self.expectFailedChangeset(response, index: 1, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
            let secondPeople = try await client.send(
                "GET", "/people()", account: second.name, authorization: secondAuthorization)
            #expect(secondPeople.values?.isEmpty == true)
        }
    }

    @Test("101 operations fail at index 0 with InvalidInput and apply nothing")
    func hundredAndOne() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let parts = (0...100).map { Self.insert(client, "p", "row\($0)") }
            let response = try await Self.send(client, parts)
            try Self.expectFailedChangeset(response, index: 0, status: 400, code: "InvalidInput")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("100 operations, the limit, are all applied")
    func hundred() async throws {
        try await withSeededEmulator { client in
            let parts = (0..<100).map { Self.insert(client, "p", "row\($0)") }
            let response = try await Self.send(client, parts)
            #expect(response.status == 202)
            let answers = try BatchTestFormat.parse(response)
            #expect(answers.count == 100)
            #expect(answers.allSatisfy { $0.status == 201 })
            let all = try await client.send("GET", "/\(Seed.table)()")
            #expect(all.values?.count == 101)
        }
    }

    @Test("operations on two partitions fail with CommandsInBatchActOnDifferentPartitions and apply nothing")
    func twoPartitions() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await Self.send(client, [Self.insert(client, "p", "a"), Self.insert(client, "q", "b")])
            try Self.expectFailedChangeset(
                response, index: 1, status: 400, code: "CommandsInBatchActOnDifferentPartitions")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("the same row twice fails with InvalidDuplicateRow and applies nothing")
    func duplicateRow() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let merge = BatchTestPart(
                method: "MERGE", url: Self.url(client, SignedTableClient.entityPath(Seed.table, "p", "a")),
                body: #"{"Value":2}"#)
            let response = try await Self.send(client, [Self.insert(client, "p", "a"), merge])
            try Self.expectFailedChangeset(response, index: 1, status: 400, code: "InvalidDuplicateRow")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("POST with X-HTTP-Method: MERGE inside a changeset merges")
    func tunnelledMergeInBatch() async throws {
        try await withSeededEmulator { client in
            let merge = BatchTestPart(
                method: "POST", url: Self.url(client, Seed.entityPath),
                headers: [("X-HTTP-Method", "MERGE"), ("If-Match", "*")], body: #"{"City":"Oslo"}"#)
            let response = try await Self.send(client, [merge, Self.insert(client, "p", "a")])
            #expect(response.status == 202)
            let answers = try BatchTestFormat.parse(response)
            #expect(answers.map(\.status) == [204, 201])
            let entity = try #require(try await client.getEntity(Seed.table, "p", "r").jsonObject())
            #expect(entity["City"] as? String == "Oslo")
            #expect(entity["Name"] as? String == "Ann")
            #expect(try await client.getEntity(Seed.table, "p", "a").status == 200)
        }
    }

    @Test("Content-IDs numbered from 1 are echoed on each operation's response")
    func contentIDsFromOne() async throws {
        try await withSeededEmulator { client in
            var parts: [BatchTestPart] = []
            for (index, row) in ["a", "b", "c"].enumerated() {
                var part = Self.insert(client, "p", row)
                part.partHeaders = [("Content-ID", "\(index + 1)")]
                parts.append(part)
            }
            var delete = BatchTestPart(
                method: "DELETE", url: Self.url(client, Seed.entityPath), headers: [("If-Match", "*")])
            delete.partHeaders = [("Content-ID", "4")]
            parts.append(delete)
            let response = try await Self.send(client, parts)
            #expect(response.status == 202)
            let answers = try BatchTestFormat.parse(response)
            #expect(answers.map(\.status) == [201, 201, 201, 204])
            #expect(answers.map { $0.headers["Content-ID"] } == ["1", "2", "3", "4"])
            #expect(answers.prefix(3).allSatisfy { $0.headers["Location"] != nil && $0.headers["ETag"] != nil })
        }
    }

    /// A failing operation placed between two inserts.
    struct MiddleFailure: Sendable, CustomTestStringConvertible {
        var name: String
        var method: String
        var rowKey: String
        var headers: [(String, String)]
        var body: String
        var status: Int
        var code: String
        var table = Seed.table
        var testDescription: String { self.name }
    }

    static let middleFailures: [MiddleFailure] = [
        MiddleFailure(
            name: "merge of a missing entity", method: "MERGE", rowKey: "missing", headers: [("If-Match", "*")],
            body: #"{"Value":2}"#, status: 404, code: "ResourceNotFound"),
        MiddleFailure(
            name: "stale ETag", method: "PUT", rowKey: "r",
            headers: [("If-Match", #"W/"datetime'2001-01-01T00%3A00%3A00.0000000Z'""#)], body: #"{"Value":2}"#,
            status: 412, code: "UpdateConditionNotSatisfied"),
        MiddleFailure(
            name: "insert of an existing entity", method: "POST", rowKey: "", headers: [],
            body: #"{"PartitionKey":"p","RowKey":"r"}"#, status: 409, code: "EntityAlreadyExists"),
        MiddleFailure(
            name: "malformed JSON", method: "POST", rowKey: "", headers: [], body: #"{"PartitionKey":"p","RowKey":"#,
            status: 400, code: "InvalidInput"),
        MiddleFailure(
            name: "malformed If-Match", method: "MERGE", rowKey: "r", headers: [("If-Match", "abc")],
            body: #"{"Value":2}"#, status: 400, code: "InvalidInput"),
        MiddleFailure(
            name: "bad Int64", method: "MERGE", rowKey: "r", headers: [("If-Match", "*")],
            body: #"{"X@odata.type":"Edm.Int64","X":"abc"}"#, status: 400, code: "InvalidInput"),
        MiddleFailure(
            name: "another table", method: "POST", rowKey: "", headers: [],
            body: #"{"PartitionKey":"p","RowKey":"b"}"#, status: 400, code: "InvalidInput", table: "others"),
        MiddleFailure(
            name: "a query", method: "GET", rowKey: "r", headers: [], body: "", status: 400, code: "InvalidInput"),
        MiddleFailure(
            name: "delete without If-Match", method: "DELETE", rowKey: "r", headers: [], body: "", status: 400,
            code: "MissingRequiredHeader"),
    ]

    @Test(
        "a failing operation in the middle answers alone with its index, and nothing is applied",
        arguments: Self.middleFailures)
    func failureInTheMiddle(failure: MiddleFailure) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let path =
                failure.rowKey.isEmpty
                ? "/\(failure.table)" : SignedTableClient.entityPath(failure.table, "p", failure.rowKey)
            var first = Self.insert(client, "p", "a")
            first.partHeaders = [("Content-ID", "1")]
            var middle = BatchTestPart(
                method: failure.method, url: Self.url(client, path), headers: failure.headers, body: failure.body)
            middle.partHeaders = [("Content-ID", "2")]
            var last = Self.insert(client, "p", "c")
            last.partHeaders = [("Content-ID", "3")]
            let response = try await Self.send(client, [first, middle, last])
            try Self.expectFailedChangeset(
                response, index: 1, status: failure.status, code: failure.code, contentID: "2")
            #expect(try await ServiceState.read(client) == before)
        }
    }
}

// MARK: - Response headers

@Suite("Table service over HTTP: response headers", .timeLimit(.minutes(2)))
struct ResponseHeaderTests {
    static let clientRequestIDs: [NamedInput] = [
        NamedInput("uuid", "8a5f0e7c-3b0d-4f43-9a6e-6d1d5f0d2c11"),
        NamedInput(
            "punctuation", #"id: (1) "quoted" 'single' <a>{b}[c]\d|e^f~g`h;i,j=k&l%20m+n/o?p#q@r!s$t*u"#),
        NamedInput("inner spaces", "a  b   c"),
        NamedInput("UTF-8", "caf\u{E9}-\u{2713}-\u{1F600}"),
        NamedInput("long", String(repeating: "0123456789", count: 100)),
    ]

    @Test(
        "x-ms-client-request-id is echoed byte for byte, on success and on error",
        arguments: Self.clientRequestIDs)
    func clientRequestIDEcho(id: NamedInput) async throws {
        try await withSeededEmulator { client in
            let success = try await client.send("GET", Seed.entityPath, headers: ["x-ms-client-request-id": id.value])
            #expect(success.status == 200)
            #expect(success.headers["x-ms-client-request-id"].map { Array($0.utf8) } == Array(id.value.utf8))
            let failure = try await client.send(
                "GET", SignedTableClient.entityPath(Seed.table, "p", "missing"),
                headers: ["x-ms-client-request-id": id.value])
            expectError(failure, status: 404, code: "ResourceNotFound")
            #expect(failure.headers["x-ms-client-request-id"].map { Array($0.utf8) } == Array(id.value.utf8))
            let refused = try await client.send(
                "GET", Seed.entityPath, headers: ["x-ms-client-request-id": id.value], authorization: .none)
            expectError(refused, status: 403, code: "AuthenticationFailed")
            #expect(refused.headers["x-ms-client-request-id"].map { Array($0.utf8) } == Array(id.value.utf8))
        }
    }

    @Test("no x-ms-client-request-id is sent back when none was sent")
    func noClientRequestID() async throws {
        try await withSeededEmulator { client in
            let response = try await client.send("GET", Seed.entityPath)
            #expect(!response.headers.contains("x-ms-client-request-id"))
        }
    }

    @Test("x-ms-request-id, x-ms-version and Date are on every answer, and request ids are unique")
    func requestIDAndDate() async throws {
        try await withSeededEmulator { client in
            var ids: [String] = []
            let requests: [(String, String, TestAuthorization)] = [
                ("GET", Seed.entityPath, .development),
                ("GET", SignedTableClient.entityPath(Seed.table, "p", "missing"), .development),
                ("GET", Seed.entityPath, .none),
                ("GET", "/Tables", .development),
                ("GET", "/\(Seed.table)()?$top=0", .development),
                ("GET", "/\(Seed.table)()", .development),
                ("DELETE", Seed.entityPath, .development),
                ("GET", Seed.entityPath, .development),
            ]
            for (method, path, authorization) in requests {
                let response = try await client.send(method, path, authorization: authorization)
                let id = try #require(response.headers["x-ms-request-id"], "\(method) \(path)")
                #expect(UUID(uuidString: id) != nil, "request id \(id) is a UUID")
                ids.append(id)
                #expect(response.headers.values(for: "x-ms-request-id").count == 1)
                #expect(response.headers["x-ms-version"] == SignedTableClient.version)
                let dateText = try #require(response.headers["Date"], "\(method) \(path)")
                let date = try #require(HTTPDate.date(from: dateText), "Date \(dateText) is RFC 1123")
                #expect(abs(date.timeIntervalSinceNow) < 120)
            }
            #expect(Set(ids).count == ids.count)
        }
    }

    @Test("201 answers carry a Location that addresses what was created")
    func locationOn201() async throws {
        let client = try SignedTableClient()
        defer { client.shutdown() }
        let created = try await client.send("POST", "/Tables", text: #"{"TableName":"people"}"#)
        #expect(created.status == 201)
        #expect(created.headers["Location"] == "\(client.origin)/devstoreaccount1/Tables('people')")
        for (partitionKey, rowKey) in [("p", "r"), ("it's", "a b é")] {
            let body = #"{"PartitionKey":"\#(partitionKey)","RowKey":"\#(rowKey)"}"#
            let inserted = try await client.send("POST", "/people", text: body)
            #expect(inserted.status == 201, "\(inserted.text)")
            let location = try #require(inserted.headers["Location"])
            #expect(location.hasPrefix("\(client.origin)/devstoreaccount1/people(PartitionKey='"))
            // Following the Location reads the entity back.
            let path = String(location.dropFirst("\(client.origin)/devstoreaccount1".count))
            let read = try await client.send("GET", path)
            #expect(read.status == 200, "GET \(path): \(read.text)")
            #expect(read.jsonObject()?["RowKey"] as? String == rowKey)
        }
    }

    @Test(
        "Preference-Applied only answers a Prefer",
        arguments: [nil, "return-content", "return-no-content"] as [String?])
    func preferenceApplied(prefer: String?) async throws {
        let client = try SignedTableClient()
        defer { client.shutdown() }
        let headers: HTTPHeaders = prefer.map { ["Prefer": $0] } ?? [:]
        let created = try await client.send(
            "POST", "/Tables", headers: headers, text: #"{"TableName":"people"}"#)
        let inserted = try await client.send(
            "POST", "/people", headers: headers, text: #"{"PartitionKey":"p","RowKey":"r"}"#)
        for response in [created, inserted] {
            #expect(response.headers["Preference-Applied"] == prefer)
            if prefer == "return-no-content" {
                #expect(response.status == 204)
                #expect(response.body.isEmpty)
            } else {
                #expect(response.status == 201)
                #expect(response.jsonObject() != nil)
            }
        }
        // Not on operations Prefer does not apply to.
        let read = try await client.send("GET", "/people(PartitionKey='p',RowKey='r')", headers: headers)
        #expect(read.status == 200)
        #expect(!read.headers.contains("Preference-Applied"))
    }

    @Test("JSON answers have the metadata level's Content-Type", arguments: ODataMetadata.allCases)
    func jsonContentType(level: ODataMetadata) async throws {
        try await withSeededEmulator { client in
            for path in [Seed.entityPath, "/\(Seed.table)()", "/Tables"] {
                let response = try await client.send("GET", path, headers: ["Accept": level.mediaType])
                #expect(response.status == 200)
                #expect(response.headers["Content-Type"] == level.responseContentType)
            }
            let inserted = try await client.send(
                "POST", "/\(Seed.table)", headers: ["Accept": level.mediaType],
                text: #"{"PartitionKey":"p","RowKey":"new"}"#)
            #expect(inserted.status == 201)
            #expect(inserted.headers["Content-Type"] == level.responseContentType)
            // Errors are always minimal-metadata JSON.
            let missing = try await client.send(
                "GET", SignedTableClient.entityPath(Seed.table, "p", "missing"), headers: ["Accept": level.mediaType])
            expectError(missing, status: 404, code: "ResourceNotFound")
        }
    }
}

// MARK: - Content negotiation

@Suite("Table service over HTTP: Accept and $format", .timeLimit(.minutes(2)))
struct ContentNegotiationTests {
    @Test(
        "Accept: Atom or XML is 415 AtomFormatNotSupported and changes nothing",
        arguments: ["application/atom+xml", "application/xml", "application/atom+xml,application/xml;q=0.9"])
    func atomRefused(accept: String) async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            for path in [Seed.entityPath, "/\(Seed.table)()", "/Tables"] {
                let response = try await client.send("GET", path, headers: ["Accept": accept])
                expectError(response, status: 415, code: "AtomFormatNotSupported")
            }
            let insert = try await client.send(
                "POST", "/\(Seed.table)", headers: ["Accept": accept], text: #"{"PartitionKey":"p","RowKey":"new"}"#)
            expectError(insert, status: 415, code: "AtomFormatNotSupported")
            let create = try await client.send(
                "POST", "/Tables", headers: ["Accept": accept], text: #"{"TableName":"other"}"#)
            expectError(create, status: 415, code: "AtomFormatNotSupported")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test("an Atom request body is 415 AtomFormatNotSupported and changes nothing")
    func atomBodyRefused() async throws {
        try await withSeededEmulator { client in
            let before = try await ServiceState.read(client)
            let response = try await client.send(
                "PUT", Seed.entityPath, headers: ["Content-Type": "application/atom+xml"],
                text: #"<entry xmlns="http://www.w3.org/2005/Atom"/>"#)
            expectError(response, status: 415, code: "AtomFormatNotSupported")
            #expect(try await ServiceState.read(client) == before)
        }
    }

    @Test(
        "Accept: */*, application/json, or none answers JSON with minimal metadata",
        arguments: ["*/*", "application/json", nil] as [String?])
    func defaultIsMinimalMetadata(accept: String?) async throws {
        try await withSeededEmulator { client in
            let headers: HTTPHeaders = accept.map { ["Accept": $0] } ?? [:]
            let removing: Set<String> = accept == nil ? ["Accept"] : []
            let response = try await client.send("GET", Seed.entityPath, headers: headers, removing: removing)
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == ODataMetadata.minimalMetadata.responseContentType)
            let entity = try #require(response.jsonObject())
            #expect((entity["odata.metadata"] as? String)?.hasSuffix("/$metadata#people/@Element") == true)
            #expect(entity["odata.etag"] as? String == response.headers["ETag"])
            #expect(entity["odata.type"] == nil)
            #expect(entity["odata.id"] == nil)
            #expect(entity["Big@odata.type"] as? String == "Edm.Int64")
            #expect(entity["Timestamp@odata.type"] == nil)
        }
    }

    @Test("$format=application/json;odata=fullmetadata gives the full metadata members")
    func fullMetadataFormat() async throws {
        try await withSeededEmulator { client in
            let format = "?$format=" + SignedTableClient.queryValue("application/json;odata=fullmetadata")
            let response = try await client.send("GET", Seed.entityPath + format)
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == ODataMetadata.fullMetadata.responseContentType)
            let entity = try #require(response.jsonObject())
            let path = "people(PartitionKey='p',RowKey='r')"
            #expect(entity["odata.type"] as? String == "devstoreaccount1.people")
            #expect(entity["odata.id"] as? String == "\(client.origin)/devstoreaccount1/\(path)")
            #expect(entity["odata.editLink"] as? String == path)
            #expect(entity["odata.etag"] as? String == response.headers["ETag"])
            #expect((entity["odata.metadata"] as? String)?.hasSuffix("/$metadata#people/@Element") == true)
            #expect(entity["Timestamp@odata.type"] as? String == "Edm.DateTime")
            #expect(entity["Big@odata.type"] as? String == "Edm.Int64")

            let query = try await client.send("GET", "/\(Seed.table)()" + format)
            #expect(query.status == 200)
            let first = try #require(query.values?.first)
            #expect(first["odata.type"] as? String == "devstoreaccount1.people")
            #expect(first["odata.editLink"] as? String == path)
        }
    }

    @Test("$format overrides an Atom Accept")
    func formatOverridesAccept() async throws {
        try await withSeededEmulator { client in
            let format = "?$format=" + SignedTableClient.queryValue("application/json;odata=nometadata")
            let response = try await client.send(
                "GET", Seed.entityPath + format, headers: ["Accept": "application/atom+xml"])
            #expect(response.status == 200)
            #expect(response.headers["Content-Type"] == ODataMetadata.noMetadata.responseContentType)
            let entity = try #require(response.jsonObject())
            #expect(entity.keys.allSatisfy { !$0.hasPrefix("odata.") && !$0.contains("@odata.") })
            #expect(entity["Name"] as? String == "Ann")
        }
    }

    @Test(
        "an unknown odata level is 415 JsonFormatNotSupported",
        arguments: ["application/json;odata=verbose", "application/json;odata=bogus"])
    func unknownODataLevel(accept: String) async throws {
        try await withSeededEmulator { client in
            let response = try await client.send("GET", Seed.entityPath, headers: ["Accept": accept])
            expectError(response, status: 415, code: "JsonFormatNotSupported")
        }
    }
}
