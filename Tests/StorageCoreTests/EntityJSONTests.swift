//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

/// Values equal as stored: doubles by bit pattern, so NaN equals NaN and -0.0 differs from 0.0.
func identical(_ left: EdmValue?, _ right: EdmValue?) -> Bool {
    if case .double(let leftDouble)? = left, case .double(let rightDouble)? = right {
        return leftDouble.bitPattern == rightDouble.bitPattern
    }
    return left == right
}

/// One property through a request body and back out of each metadata level.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    /// The property's members in the request, as a client writes them.
    var request: String
    /// The value it must decode to.
    var value: EdmValue
    /// Its members in minimal- and full-metadata responses.
    var annotated: String
    /// Its members in no-metadata responses.
    var bare: String

    init(_ request: String, _ value: EdmValue, _ annotated: String, bare: String? = nil) {
        self.request = request
        self.value = value
        self.annotated = annotated
        self.bare = bare ?? annotated
    }

    var testDescription: String { self.request }
}

@Suite("Entity JSON: request decoding and response encoding")
struct EntityJSONTests {
    static let context = EntityJSONContext(
        baseURL: "http://127.0.0.1:10002/devstoreaccount1", accountName: "devstoreaccount1", tableName: "mytable")
    static let timestamp = PreciseTimestamp(iso8601: "2021-09-21T00:53:10.3976998Z")!
    static let etagMember = #""odata.etag":"W/\"datetime'2021-09-21T00%3A53%3A10.3976998Z'\"""#
    static let allBytes = (0...255).map { UInt8($0) }

    static func decode(_ text: String) throws(StorageError) -> DecodedEntity {
        try EntityJSON.decode(Array(text.utf8))
    }

    static func entityBody(_ members: String) -> String {
        #"{"PartitionKey":"pk","RowKey":"rk","# + members + "}"
    }

    static let roundTripCases: [RoundTripCase] = [
        RoundTripCase(#""P":"hello""#, .string("hello"), #""P":"hello""#),
        RoundTripCase(#""P":"""#, .string(""), #""P":"""#),
        RoundTripCase("\"P\":\"héllo wörld 😀 日本\"", .string("héllo wörld 😀 日本"), "\"P\":\"héllo wörld 😀 日本\""),
        RoundTripCase(#""P":"\u00e9\ud83d\ude00""#, .string("é😀"), "\"P\":\"é😀\""),
        RoundTripCase(
            #""P":"say \"hi\"\nback\\slash\ttab\u0001""#, .string("say \"hi\"\nback\\slash\ttab\u{1}"),
            #""P":"say \"hi\"\nback\\slash\ttab\u0001""#),
        RoundTripCase(#""P@odata.type":"Edm.String","P":"x""#, .string("x"), #""P":"x""#),
        RoundTripCase(#""P":5"#, .int32(5), #""P":5"#),
        RoundTripCase(#""P":-2147483648"#, .int32(.min), #""P":-2147483648"#),
        RoundTripCase(#""P@odata.type":"Edm.Int32","P":2147483647"#, .int32(.max), #""P":2147483647"#),
        RoundTripCase(
            #""P":2147483648"#, .int64(2_147_483_648), #""P@odata.type":"Edm.Int64","P":"2147483648""#,
            bare: #""P":"2147483648""#),
        RoundTripCase(
            #""P":-9223372036854775808"#, .int64(.min), #""P@odata.type":"Edm.Int64","P":"-9223372036854775808""#,
            bare: #""P":"-9223372036854775808""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Int64","P":"9223372036854775807""#, .int64(.max),
            #""P@odata.type":"Edm.Int64","P":"9223372036854775807""#, bare: #""P":"9223372036854775807""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Int64","P":"-9223372036854775807""#, .int64(-.max),
            #""P@odata.type":"Edm.Int64","P":"-9223372036854775807""#, bare: #""P":"-9223372036854775807""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Int64","P":255"#, .int64(255), #""P@odata.type":"Edm.Int64","P":"255""#,
            bare: #""P":"255""#),
        RoundTripCase(#""P@odata.type":"Edm.Double","P":5.0"#, .double(5), #""P":5.0"#),
        RoundTripCase(#""P@odata.type":"Edm.Double","P":5"#, .double(5), #""P":5.0"#),
        RoundTripCase(#""P":5.0"#, .double(5), #""P":5.0"#),
        RoundTripCase(#""P":0.1"#, .double(0.1), #""P":0.1"#),
        RoundTripCase(#""P":1e300"#, .double(1e300), #""P":1e+300"#),
        RoundTripCase(#""P":-1.5E-7"#, .double(-1.5e-7), #""P":-1.5e-07"#),
        RoundTripCase(#""P":-0.0"#, .double(-0.0), #""P":-0.0"#),
        RoundTripCase(
            #""P":1.7976931348623157e308"#, .double(.greatestFiniteMagnitude), #""P":1.7976931348623157e+308"#),
        RoundTripCase(#""P@odata.type":"Edm.Double","P":"2.5""#, .double(2.5), #""P":2.5"#),
        RoundTripCase(
            #""P@odata.type":"Edm.Double","P":"NaN""#, .double(.nan), #""P@odata.type":"Edm.Double","P":"NaN""#,
            bare: #""P":"NaN""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Double","P":"Infinity""#, .double(.infinity),
            #""P@odata.type":"Edm.Double","P":"Infinity""#, bare: #""P":"Infinity""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Double","P":"-Infinity""#, .double(-.infinity),
            #""P@odata.type":"Edm.Double","P":"-Infinity""#, bare: #""P":"-Infinity""#),
        RoundTripCase(#""P":true"#, .boolean(true), #""P":true"#),
        RoundTripCase(#""P@odata.type":"Edm.Boolean","P":false"#, .boolean(false), #""P":false"#),
        RoundTripCase(
            #""P@odata.type":"Edm.DateTime","P":"2021-09-21T00:53:10.3976998Z""#,
            .dateTime(PreciseTimestamp(ticksSinceEpoch: 16_321_855_903_976_998)),
            #""P@odata.type":"Edm.DateTime","P":"2021-09-21T00:53:10.3976998Z""#,
            bare: #""P":"2021-09-21T00:53:10.3976998Z""#),
        RoundTripCase(
            #""P@odata.type":"Edm.DateTime","P":"1973-10-04T00:00:00.0000000Z""#,
            .dateTime(PreciseTimestamp(ticksSinceEpoch: 118_540_800 * 10_000_000)),
            #""P@odata.type":"Edm.DateTime","P":"1973-10-04T00:00:00Z""#, bare: #""P":"1973-10-04T00:00:00Z""#),
        RoundTripCase(
            #""P@odata.type":"Edm.DateTime","P":"2020-01-01T14:30:00.5+02:00""#,
            .dateTime(PreciseTimestamp(iso8601: "2020-01-01T12:30:00.5Z")!),
            #""P@odata.type":"Edm.DateTime","P":"2020-01-01T12:30:00.5Z""#, bare: #""P":"2020-01-01T12:30:00.5Z""#),
        RoundTripCase(
            #""P@odata.type":"Edm.DateTime","P":"2008-07-10T00:00:00""#,
            .dateTime(PreciseTimestamp(iso8601: "2008-07-10T00:00:00Z")!),
            #""P@odata.type":"Edm.DateTime","P":"2008-07-10T00:00:00Z""#, bare: #""P":"2008-07-10T00:00:00Z""#),
        RoundTripCase(
            #""P@odata.type":"Edm.DateTime","P":"1601-01-01T00:00:00Z""#, .dateTime(.earliestTableDateTime),
            #""P@odata.type":"Edm.DateTime","P":"1601-01-01T00:00:00Z""#, bare: #""P":"1601-01-01T00:00:00Z""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Guid","P":"C9DA6455-213D-42C9-9A79-3E9149A57833""#,
            .guid("c9da6455-213d-42c9-9a79-3e9149a57833"),
            #""P@odata.type":"Edm.Guid","P":"c9da6455-213d-42c9-9a79-3e9149a57833""#,
            bare: #""P":"c9da6455-213d-42c9-9a79-3e9149a57833""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Binary","P":"""#, .binary([]), #""P@odata.type":"Edm.Binary","P":"""#,
            bare: #""P":"""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Binary","P":"AAEC/w==""#, .binary([0, 1, 2, 255]),
            #""P@odata.type":"Edm.Binary","P":"AAEC/w==""#, bare: #""P":"AAEC/w==""#),
        RoundTripCase(
            #""P@odata.type":"Edm.Binary","P":""# + Data(Self.allBytes).base64EncodedString() + "\"",
            .binary(Self.allBytes),
            #""P@odata.type":"Edm.Binary","P":""# + Data(Self.allBytes).base64EncodedString() + "\"",
            bare: #""P":""# + Data(Self.allBytes).base64EncodedString() + "\""),
        RoundTripCase(#""P":"2021-09-21T00:53:10Z""#, .string("2021-09-21T00:53:10Z"), #""P":"2021-09-21T00:53:10Z""#),
    ]

    @Test("round-trips every Edm type through each metadata level", arguments: Self.roundTripCases)
    func roundTrips(testCase: RoundTripCase) throws {
        let decoded = try Self.decode(Self.entityBody(testCase.request))
        #expect(decoded.partitionKey == "pk")
        #expect(decoded.rowKey == "rk")
        #expect(decoded.properties.count == 1)
        #expect(identical(decoded.properties["P"], testCase.value))

        let entity = TableEntity(
            partitionKey: "pk", rowKey: "rk", timestamp: Self.timestamp, properties: decoded.properties)
        let base = "http://127.0.0.1:10002/devstoreaccount1"
        let minimal =
            #"{"odata.metadata":"\#(base)/$metadata#mytable/@Element",\#(Self.etagMember),"#
            + #""PartitionKey":"pk","RowKey":"rk","Timestamp":"2021-09-21T00:53:10.3976998Z",\#(testCase.annotated)}"#
        let full =
            #"{"odata.metadata":"\#(base)/$metadata#mytable/@Element","odata.type":"devstoreaccount1.mytable","#
            + #""odata.id":"\#(base)/mytable(PartitionKey='pk',RowKey='rk')",\#(Self.etagMember),"#
            + #""odata.editLink":"mytable(PartitionKey='pk',RowKey='rk')","PartitionKey":"pk","RowKey":"rk","#
            + #""Timestamp@odata.type":"Edm.DateTime","Timestamp":"2021-09-21T00:53:10.3976998Z",\#(testCase.annotated)}"#
        let bare =
            #"{"PartitionKey":"pk","RowKey":"rk","Timestamp":"2021-09-21T00:53:10.3976998Z",\#(testCase.bare)}"#
        let levels: [(ODataMetadata, String)] = [
            (.minimalMetadata, minimal), (.fullMetadata, full), (.noMetadata, bare),
        ]
        for (level, expected) in levels {
            let written = JSONWriter.string(EntityJSON.encode(entity, metadata: level, context: Self.context))
            #expect(written == expected, "\(level)")
        }

        // A response with metadata is itself a valid request body that decodes to the same value.
        for level in [ODataMetadata.minimalMetadata, .fullMetadata] {
            let written = JSONWriter.bytes(EntityJSON.encode(entity, metadata: level, context: Self.context))
            #expect(identical(try EntityJSON.decode(written).properties["P"], testCase.value))
        }
    }

    @Test("writes members in Azure's order and keeps property order")
    func writesInOrder() throws {
        let decoded = try Self.decode(
            #"{"Zeta":1,"PartitionKey":"pk","Id@odata.type":"Edm.Guid","Id":"C9DA6455-213D-42C9-9A79-3E9149A57833","#
                + #""RowKey":"rk","Alpha":"a"}"#)
        #expect(decoded.properties.names == ["Zeta", "Id", "Alpha"])
        let entity = TableEntity(
            partitionKey: "pk", rowKey: "rk", timestamp: Self.timestamp, properties: decoded.properties)
        let written = JSONWriter.string(EntityJSON.encode(entity, metadata: .minimalMetadata, context: Self.context))
        #expect(
            written
                == #"{"odata.metadata":"http://127.0.0.1:10002/devstoreaccount1/$metadata#mytable/@Element","#
                + #"\#(Self.etagMember),"PartitionKey":"pk","RowKey":"rk","Timestamp":"2021-09-21T00:53:10.3976998Z","#
                + #""Zeta":1,"Id@odata.type":"Edm.Guid","Id":"c9da6455-213d-42c9-9a79-3e9149a57833","Alpha":"a"}"#)
    }

    @Test("writes a seven-digit Timestamp, consistent with the ETag")
    func writesSevenDigitTimestamp() throws {
        let timestamp = try #require(PreciseTimestamp(iso8601: "2020-10-01T00:38:37.2800060Z"))
        let entity = TableEntity(partitionKey: "P2_node", rowKey: "R1", timestamp: timestamp, properties: [:])
        let written = JSONWriter.string(EntityJSON.encode(entity, metadata: .minimalMetadata, context: Self.context))
        #expect(written.contains(#""Timestamp":"2020-10-01T00:38:37.2800060Z""#))
        #expect(written.contains(#"W/\"datetime'2020-10-01T00%3A38%3A37.2800060Z'\""#))
    }

    @Test("omits the ETag and Timestamp of an entity not yet stored")
    func omitsMissingTimestamp() {
        let entity = TableEntity(partitionKey: "a", rowKey: "b", properties: ["X": .int32(1)])
        let written = JSONWriter.string(EntityJSON.encode(entity, metadata: .noMetadata, context: Self.context))
        #expect(written == #"{"PartitionKey":"a","RowKey":"b","X":1}"#)
    }

    @Test("quotes and percent-encodes keys in entity paths")
    func entityPaths() {
        #expect(
            EntityJSON.entityPath(table: "mytable", partitionKey: "a'b c", rowKey: "é/1")
                == "mytable(PartitionKey='a%27%27b%20c',RowKey='%C3%A9%2F1')")
        let entity = TableEntity(partitionKey: "o'k", rowKey: "r", timestamp: Self.timestamp)
        let full = EntityJSON.encode(entity, metadata: .fullMetadata, context: Self.context)
        #expect(
            full["odata.id"]?.stringValue
                == "http://127.0.0.1:10002/devstoreaccount1/mytable(PartitionKey='o%27%27k',RowKey='r')")
        #expect(full["odata.editLink"]?.stringValue == "mytable(PartitionKey='o%27%27k',RowKey='r')")
    }

    @Test("writes query responses")
    func writesQueryResponses() {
        let entities = [
            TableEntity(partitionKey: "p", rowKey: "1", timestamp: Self.timestamp, properties: ["N": .int64(7)]),
            TableEntity(partitionKey: "p", rowKey: "2", timestamp: Self.timestamp, properties: [:]),
        ]
        let minimal = EntityJSON.encodeQueryResponse(
            entities: entities, metadata: .minimalMetadata, context: Self.context)
        #expect(
            String(decoding: minimal, as: UTF8.self)
                == #"{"odata.metadata":"http://127.0.0.1:10002/devstoreaccount1/$metadata#mytable","value":["#
                + #"{\#(Self.etagMember),"PartitionKey":"p","RowKey":"1","Timestamp":"2021-09-21T00:53:10.3976998Z","#
                + #""N@odata.type":"Edm.Int64","N":"7"},"#
                + #"{\#(Self.etagMember),"PartitionKey":"p","RowKey":"2","Timestamp":"2021-09-21T00:53:10.3976998Z"}]}"#
        )
        let bare = EntityJSON.encodeQueryResponse(entities: [], metadata: .noMetadata, context: Self.context)
        #expect(String(decoding: bare, as: UTF8.self) == #"{"value":[]}"#)
        let full = EntityJSON.encodeQueryResponse(
            entities: Array(entities.prefix(1)), metadata: .fullMetadata, context: Self.context)
        let parsed = try? JSONParser.parse(full)
        #expect(parsed?["value"]?.arrayValue?.first?["odata.type"]?.stringValue == "devstoreaccount1.mytable")
        #expect(parsed?["value"]?.arrayValue?.first?["odata.metadata"] == nil)
    }

    @Test("writes table responses")
    func writesTables() {
        let base = "http://127.0.0.1:10002/devstoreaccount1"
        #expect(
            JSONWriter.string(
                EntityJSON.encodeTable(name: "mytable", metadata: .minimalMetadata, context: Self.context))
                == #"{"odata.metadata":"\#(base)/$metadata#Tables/@Element","TableName":"mytable"}"#)
        #expect(
            JSONWriter.string(EntityJSON.encodeTable(name: "mytable", metadata: .fullMetadata, context: Self.context))
                == #"{"odata.metadata":"\#(base)/$metadata#Tables/@Element","odata.type":"devstoreaccount1.Tables","#
                + #""odata.id":"\#(base)/Tables('mytable')","odata.editLink":"Tables('mytable')","TableName":"mytable"}"#
        )
        #expect(
            JSONWriter.string(EntityJSON.encodeTable(name: "mytable", metadata: .noMetadata, context: Self.context))
                == #"{"TableName":"mytable"}"#)
        let list = EntityJSON.encodeTableList(names: ["a1x", "b2y"], metadata: .minimalMetadata, context: Self.context)
        #expect(
            String(decoding: list, as: UTF8.self)
                == #"{"odata.metadata":"\#(base)/$metadata#Tables","value":[{"TableName":"a1x"},{"TableName":"b2y"}]}"#)
        let fullList = EntityJSON.encodeTableList(names: ["a1x"], metadata: .fullMetadata, context: Self.context)
        #expect(
            String(decoding: fullList, as: UTF8.self)
                == #"{"odata.metadata":"\#(base)/$metadata#Tables","value":[{"odata.type":"devstoreaccount1.Tables","#
                + #""odata.id":"\#(base)/Tables('a1x')","odata.editLink":"Tables('a1x')","TableName":"a1x"}]}"#)
        let bareList = EntityJSON.encodeTableList(names: [], metadata: .noMetadata, context: Self.context)
        #expect(String(decoding: bareList, as: UTF8.self) == #"{"value":[]}"#)
    }

    @Test("ignores server-owned members, orphan annotations and nulls")
    func ignoresServerMembers() throws {
        let decoded = try Self.decode(
            #"{"odata.metadata":"x","odata.etag":"W/\"x\"","odata.type":"a.b","odata.id":"y","#
                + #""PartitionKey@odata.type":"Edm.String","PartitionKey":"p","RowKey":"r","#
                + #""Timestamp":"2000-01-01T00:00:00Z","Timestamp@odata.type":"Edm.DateTime","#
                + #""Gone@odata.type":"Edm.Int64","Nothing":null,"Unset@odata.type":"Edm.Int64","Unset":null,"#
                + #""Keep":1,"Keep@odata.etag":"whatever","Late":"5","Late@odata.type":"Edm.Int64"}"#)
        #expect(decoded.partitionKey == "p")
        #expect(decoded.rowKey == "r")
        #expect(decoded.properties == ["Keep": .int32(1), "Late": .int64(5)])
    }

    @Test("reads DateTime offsets, and doubles beyond range as infinities the way .NET does")
    func readsEdgeValues() throws {
        let decoded = try Self.decode(
            #"{"D@odata.type":"Edm.DateTime","D":"2020-01-01T07:30:00-05:00","#
                + #""E@odata.type":"Edm.DateTime","E":"2020-01-01T12:30:00+00:00","#
                + #""Big@odata.type":"Edm.Double","Big":1e400,"Tiny":-1e-400}"#)
        let expected = try #require(PreciseTimestamp(iso8601: "2020-01-01T12:30:00Z"))
        #expect(decoded.properties["D"] == .dateTime(expected))
        #expect(decoded.properties["E"] == .dateTime(expected))
        #expect(decoded.properties["Big"] == .double(.infinity))
        #expect(identical(decoded.properties["Tiny"], .double(-0.0)))
    }

    @Test("leaves keys to the caller when the body has none")
    func missingKeys() throws {
        let decoded = try Self.decode(#"{"A":1,"PartitionKey":null}"#)
        #expect(decoded.partitionKey == nil)
        #expect(decoded.rowKey == nil)
        let error = #expect(throws: StorageError.self) { try decoded.requiringKeys() }
        #expect(error?.code == .propertiesNeedValue)
        #expect(error?.status == 400)
        let complete = try Self.decode(#"{"PartitionKey":"p","RowKey":"","A":1}"#).requiringKeys()
        #expect(complete == TableEntity(partitionKey: "p", rowKey: "", properties: ["A": .int32(1)]))
    }

    static let invalidBodies: [(String, StorageErrorCode)] = [
        ("", .invalidInput),
        ("{", .invalidInput),
        ("[]", .invalidInput),
        (#""entity""#, .invalidInput),
        ("null", .invalidInput),
        (#"{"PartitionKey":1}"#, .invalidInput),
        (#"{"RowKey":true}"#, .invalidInput),
        (#"{"RowKey":{}}"#, .invalidInput),
        (#"{"PartitionKey@odata.type":"Edm.Int32","PartitionKey":"a"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Decimal","P":"1"}"#, .invalidInput),
        (#"{"P@odata.type":"edm.int64","P":"1"}"#, .invalidInput),
        (#"{"P@odata.type":5,"P":"1"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int32","P":"5"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int32","P":2147483648}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int32","P":5.0}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int64","P":"12a"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int64","P":"+12"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int64","P":""}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int64","P":"9223372036854775808"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Int64","P":1.5}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Double","P":"abc"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Double","P":"nan"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Double","P":true}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Boolean","P":"true"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.String","P":5}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Guid","P":"nope"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Guid","P":"{c9da6455-213d-42c9-9a79-3e9149a57833}"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Binary","P":"abc"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Binary","P":"ab=c"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.Binary","P":"YQ"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"yesterday"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"2021-02-30T00:00:00Z"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"2021-09-21T00:53:10.39769981Z"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"2021-09-21T00:53:10+15:00"}"#, .invalidInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"0001-01-01T00:00:00Z"}"#, .outOfRangeInput),
        (#"{"P@odata.type":"Edm.DateTime","P":"1600-12-31T23:59:59.9999999Z"}"#, .outOfRangeInput),
        (#"{"P":[1]}"#, .invalidInput),
        (#"{"P":{"a":1}}"#, .invalidInput),
        (#"{"P":99999999999999999999}"#, .invalidInput),
        (#"{"1abc":1}"#, .propertyNameInvalid),
        (#"{"a-b":1}"#, .propertyNameInvalid),
        (#"{"a b":1}"#, .propertyNameInvalid),
        (#"{"":1}"#, .propertyNameInvalid),
        (#"{"a@b":1}"#, .propertyNameInvalid),
        (#"{"a.b":1}"#, .propertyNameInvalid),
        (#"{"\#(String(repeating: "n", count: 256))":1}"#, .propertyNameTooLong),
        (#"{"A":1,"A":2}"#, .duplicatePropertiesSpecified),
        (#"{"A":null,"A":2}"#, .duplicatePropertiesSpecified),
        (#"{"PartitionKey":"a","PartitionKey":"b"}"#, .duplicatePropertiesSpecified),
        (#"{"A@odata.type":"Edm.Int64","A@odata.type":"Edm.Int64","A":"1"}"#, .duplicatePropertiesSpecified),
    ]

    @Test("rejects invalid bodies with Azure's codes", arguments: Self.invalidBodies)
    func rejectsInvalidBodies(body: String, code: StorageErrorCode) {
        let error = #expect(throws: StorageError.self) { try Self.decode(body) }
        #expect(error?.code == code)
        #expect(error?.status == 400)
        #expect(error?.message.isEmpty == false)
    }

    static func expectCode(_ code: StorageErrorCode, for body: String) {
        let error = #expect(throws: StorageError.self) { try Self.decode(body) }
        #expect(error?.code == code)
    }

    static func properties(_ count: Int, value: (Int) -> String = { "\($0)" }) -> String {
        (0..<count).map { #""P\#($0)":\#(value($0))"# }.joined(separator: ",")
    }

    @Test("enforces the property name rules at their boundaries")
    func nameBoundaries() throws {
        let longest = String(repeating: "n", count: 255)
        #expect(try Self.decode(#"{"\#(longest)":1}"#).properties.names == [longest])
        #expect(try Self.decode(#"{"_a1":1,"Éa":2,"日本":3,"a٣":4}"#).properties.count == 4)
    }

    @Test("allows 252 custom properties and no more")
    func propertyCount() throws {
        #expect(try Self.decode(Self.entityBody(Self.properties(252))).properties.count == 252)
        Self.expectCode(.tooManyProperties, for: Self.entityBody(Self.properties(253)))
    }

    @Test("limits strings to 32 K UTF-16 units and binaries to 64 KiB")
    func valueSizes() throws {
        let longest = String(repeating: "x", count: 32_768)
        #expect(try Self.decode(#"{"S":"\#(longest)"}"#).properties["S"] == .string(longest))
        Self.expectCode(.propertyValueTooLarge, for: #"{"S":"\#(longest)x"}"#)
        // Characters outside the BMP count twice, as UTF-16 does.
        Self.expectCode(.propertyValueTooLarge, for: #"{"S":"\#(String(repeating: "😀", count: 16_385))"}"#)

        let largest = Data(repeating: 7, count: 65_536).base64EncodedString()
        let decoded = try Self.decode(#"{"B@odata.type":"Edm.Binary","B":"\#(largest)"}"#)
        #expect(decoded.properties["B"] == .binary([UInt8](repeating: 7, count: 65_536)))
        let tooLarge = Data(repeating: 7, count: 65_537).base64EncodedString()
        Self.expectCode(.propertyValueTooLarge, for: #"{"B@odata.type":"Edm.Binary","B":"\#(tooLarge)"}"#)
    }

    @Test("limits the entity to 1 MiB as Azure counts it")
    func entitySize() throws {
        let string = "\"" + String(repeating: "x", count: 32_768) + "\""
        // Each property counts 8 + 2 × 3 (name) + 4 + 65,536 = 65,554 bytes: 15 fit, 16 do not.
        #expect(try Self.decode(Self.entityBody(Self.properties(15) { _ in string })).properties.count == 15)
        Self.expectCode(.entityTooLarge, for: Self.entityBody(Self.properties(16) { _ in string }))

        var entity = TableEntity(partitionKey: "pk", rowKey: "rk")
        #expect(EntityLimits.size(partitionKey: "pk", rowKey: "rk", properties: [:]) == 4 + 8 + 34)
        entity.properties = ["A": .int32(1), "B": .binary([1, 2]), "C": .guid("c9da6455-213d-42c9-9a79-3e9149a57833")]
        #expect(
            EntityLimits.size(partitionKey: "pk", rowKey: "rk", properties: entity.properties)
                == 46 + (8 + 2 + 4) + (8 + 2 + 6) + (8 + 2 + 16))
        // A MERGE can grow an entity past the limits that no single body broke.
        for index in 0..<16 { entity.properties["P\(index)"] = .string(String(repeating: "x", count: 32_768)) }
        let error = #expect(throws: StorageError.self) { try EntityLimits.validate(entity) }
        #expect(error?.code == .entityTooLarge)
    }
}

@Suite("OData metadata negotiation")
struct ODataMetadataTests {
    @Test(
        "chooses the level from $format and Accept",
        arguments: [
            (nil, nil, ODataMetadata?.some(.minimalMetadata)),
            ("", nil, .minimalMetadata),
            ("application/json", nil, .minimalMetadata),
            ("application/json;odata=nometadata", nil, .noMetadata),
            ("application/json;odata=minimalmetadata", nil, .minimalMetadata),
            ("application/json; odata=fullmetadata", nil, .fullMetadata),
            ("Application/JSON;OData=FullMetadata", nil, .fullMetadata),
            ("application/json;odata=minimalmetadata;streaming=true;charset=utf-8", nil, .minimalMetadata),
            ("*/*", nil, .minimalMetadata),
            ("application/*", nil, .minimalMetadata),
            ("application/atom+xml", nil, nil),
            ("application/xml", nil, nil),
            ("application/json;odata=verbose", nil, nil),
            ("application/atom+xml, application/json;odata=nometadata", nil, .noMetadata),
            ("application/json;odata=fullmetadata;q=0.5, application/json;odata=nometadata", nil, .noMetadata),
            ("application/json;odata=nometadata;q=0, */*;q=0.1", nil, .minimalMetadata),
            ("application/json;odata=nometadata;q=0", nil, nil),
            ("application/atom+xml", "application/json;odata=nometadata", .noMetadata),
            ("application/json;odata=nometadata", "application/json;odata=fullmetadata", .fullMetadata),
            (nil, "json", .minimalMetadata),
            (nil, "application/json", .minimalMetadata),
            ("application/json;odata=nometadata", "", .noMetadata),
            (nil, "atom", nil),
            (nil, "application/atom+xml", nil),
        ] as [(String?, String?, ODataMetadata?)])
    func negotiates(accept: String?, format: String?, expected: ODataMetadata?) {
        #expect(ODataMetadata(acceptHeader: accept, formatParameter: format) == expected)
    }

    @Test("names the 415 error by what was asked for")
    func unsupportedErrors() {
        let atom = ODataMetadata.unsupportedFormatError(acceptHeader: "application/atom+xml", formatParameter: nil)
        #expect(atom.status == 415)
        #expect(atom.code == .atomFormatNotSupported)
        let verbose = ODataMetadata.unsupportedFormatError(
            acceptHeader: "application/json;odata=verbose", formatParameter: nil)
        #expect(verbose.code == .jsonFormatNotSupported)
    }

    @Test("writes the response content types and Accept media types")
    func contentTypes() {
        #expect(
            ODataMetadata.minimalMetadata.responseContentType
                == "application/json; odata=minimalmetadata; streaming=true; charset=utf-8")
        #expect(
            ODataMetadata.noMetadata.responseContentType
                == "application/json; odata=nometadata; streaming=true; charset=utf-8")
        #expect(
            ODataMetadata.fullMetadata.responseContentType
                == "application/json; odata=fullmetadata; streaming=true; charset=utf-8")
        #expect(ODataMetadata.fullMetadata.mediaType == "application/json;odata=fullmetadata")
    }
}
