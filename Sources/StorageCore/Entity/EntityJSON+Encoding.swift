//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension EntityJSON {
    /// The body of a single-entity response (Get Entity, Insert Entity).
    ///
    /// Member order follows Azure: `odata.metadata` (`<base>/$metadata#<table>/@Element`, as in
    /// recorded Get and Insert responses), then for full metadata `odata.type`, `odata.id`,
    /// `odata.etag`, `odata.editLink` (minimal: `odata.etag` only), then `PartitionKey`,
    /// `RowKey`, `Timestamp` and the custom properties, each `@odata.type` annotation just before
    /// its value. Minimal metadata annotates only what JSON cannot express (Int64, DateTime,
    /// Guid, Binary, non-finite Double) and never `Timestamp`; full metadata also annotates
    /// `Timestamp`; no metadata writes no `odata.*` member and no annotation.
    ///
    /// - Parameter select: The `$select` names: only these properties (system ones included)
    ///   are written, with their annotations; `odata.*` members always are. `nil` writes all.
    package static func encode(
        _ entity: TableEntity, metadata: ODataMetadata, context: EntityJSONContext, select: Set<String>? = nil
    ) -> JSONValue {
        var members = [JSONMember]()
        members.reserveCapacity(8 + 2 * entity.properties.count)
        if metadata != .noMetadata {
            let url = context.baseURL + "/$metadata#" + context.tableName + "/@Element"
            members.append(JSONMember("odata.metadata", .string(url)))
        }
        Self.appendMembers(of: entity, metadata: metadata, context: context, to: &members)
        if let select { Self.keepSelected(select, in: &members) }
        return .object(members)
    }

    /// The body of a Query Entities response: `{"odata.metadata":"<base>/$metadata#<table>",
    /// "value":[…]}`, each entity without its own `odata.metadata`; no metadata omits it.
    ///
    /// - Parameter select: The `$select` names, applied to every entity as in ``encode(_:metadata:context:select:)``.
    package static func encodeQueryResponse(
        entities: [TableEntity], metadata: ODataMetadata, context: EntityJSONContext, select: Set<String>? = nil
    ) -> [UInt8] {
        var values = [JSONValue]()
        values.reserveCapacity(entities.count)
        for entity in entities {
            var members = [JSONMember]()
            members.reserveCapacity(7 + 2 * entity.properties.count)
            Self.appendMembers(of: entity, metadata: metadata, context: context, to: &members)
            if let select { Self.keepSelected(select, in: &members) }
            values.append(.object(members))
        }
        var envelope = [JSONMember]()
        if metadata != .noMetadata {
            envelope.append(JSONMember("odata.metadata", .string(context.baseURL + "/$metadata#" + context.tableName)))
        }
        envelope.append(JSONMember("value", .array(values)))
        return JSONWriter.bytes(.object(envelope))
    }

    /// Drops every member but `odata.*` ones and the selected properties with their annotations.
    private static func keepSelected(_ names: Set<String>, in members: inout [JSONMember]) {
        members.removeAll { member in
            if member.name.hasPrefix("odata.") { return false }
            let property = member.name.split(separator: "@", maxSplits: 1).first.map(String.init) ?? member.name
            return !names.contains(property)
        }
    }

    private static func appendMembers(
        of entity: TableEntity, metadata: ODataMetadata, context: EntityJSONContext, to members: inout [JSONMember]
    ) {
        let etag = entity.etag
        if metadata == .fullMetadata {
            let path = Self.entityPath(
                table: context.tableName, partitionKey: entity.partitionKey, rowKey: entity.rowKey)
            members.append(JSONMember("odata.type", .string(context.accountName + "." + context.tableName)))
            members.append(JSONMember("odata.id", .string(context.baseURL + "/" + path)))
            if let etag { members.append(JSONMember("odata.etag", .string(etag))) }
            members.append(JSONMember("odata.editLink", .string(path)))
        } else if metadata == .minimalMetadata, let etag {
            members.append(JSONMember("odata.etag", .string(etag)))
        }
        members.append(JSONMember("PartitionKey", .string(entity.partitionKey)))
        members.append(JSONMember("RowKey", .string(entity.rowKey)))
        if let timestamp = entity.timestamp {
            if metadata == .fullMetadata {
                members.append(JSONMember("Timestamp@odata.type", .string(EdmType.dateTime.rawValue)))
            }
            members.append(JSONMember("Timestamp", .string(timestamp.entityTimestampText)))
        }
        for (name, value) in entity.properties {
            if metadata != .noMetadata && value.needsTypeAnnotation {
                members.append(JSONMember(name + "@odata.type", .string(value.type.rawValue)))
            }
            members.append(JSONMember(name, value.json))
        }
    }
}
