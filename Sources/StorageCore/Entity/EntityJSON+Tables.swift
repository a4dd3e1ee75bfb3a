//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension EntityJSON {
    /// The body of a Create Table response: `{"odata.metadata":"<base>/$metadata#Tables/@Element",
    /// "TableName":"t"}`; full metadata adds `odata.type` (`<account>.Tables`), `odata.id`
    /// (`<base>/Tables('t')`) and `odata.editLink` (`Tables('t')`).
    package static func encodeTable(name: String, metadata: ODataMetadata, context: EntityJSONContext) -> JSONValue {
        var members = [JSONMember]()
        if metadata != .noMetadata {
            members.append(JSONMember("odata.metadata", .string(context.baseURL + "/$metadata#Tables/@Element")))
        }
        Self.appendTableMembers(name: name, metadata: metadata, context: context, to: &members)
        return .object(members)
    }

    /// The body of a Query Tables response: `{"odata.metadata":"<base>/$metadata#Tables",
    /// "value":[{"TableName":"t"},…]}`, with the full-metadata members of ``encodeTable(name:metadata:context:)``
    /// on each table.
    package static func encodeTableList(names: [String], metadata: ODataMetadata, context: EntityJSONContext)
        -> [UInt8]
    {
        var values = [JSONValue]()
        values.reserveCapacity(names.count)
        for name in names {
            var members = [JSONMember]()
            Self.appendTableMembers(name: name, metadata: metadata, context: context, to: &members)
            values.append(.object(members))
        }
        var envelope = [JSONMember]()
        if metadata != .noMetadata {
            envelope.append(JSONMember("odata.metadata", .string(context.baseURL + "/$metadata#Tables")))
        }
        envelope.append(JSONMember("value", .array(values)))
        return JSONWriter.bytes(.object(envelope))
    }

    private static func appendTableMembers(
        name: String, metadata: ODataMetadata, context: EntityJSONContext, to members: inout [JSONMember]
    ) {
        if metadata == .fullMetadata {
            let path = "Tables('" + name + "')"
            members.append(JSONMember("odata.type", .string(context.accountName + ".Tables")))
            members.append(JSONMember("odata.id", .string(context.baseURL + "/" + path)))
            members.append(JSONMember("odata.editLink", .string(path)))
        }
        members.append(JSONMember("TableName", .string(name)))
    }
}
