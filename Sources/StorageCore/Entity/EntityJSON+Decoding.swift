//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension EntityJSON {
    /// Reads the entity of an Insert, Update, Merge or Upsert body, standalone or in a batch.
    ///
    /// - `Name@odata.type` annotations type their property, wherever they stand in the object.
    ///   An unknown type, or an annotation that is not a string, is InvalidInput. An annotation
    ///   whose property is absent or `null` has nothing to type and is ignored: clients send
    ///   `"x@odata.type": "Edm.Int64", "x": null` for an unset typed value.
    /// - Values are typed as ``EdmValue/init(json:type:)`` describes.
    /// - `null` values are dropped: the service stores no nulls, and an absent property reads
    ///   back the same way (the Python SDK sends `None` as `null`).
    /// - `odata.*` members and other `@odata.*` annotations, and `Timestamp`, are ignored: the
    ///   server owns them.
    /// - `PartitionKey` and `RowKey` must be strings (annotated `Edm.String` at most); `null`
    ///   counts as absent, so the caller's PropertiesNeedValue applies.
    /// - Names follow ``EntityLimits/validatePropertyName(_:)``; a name given twice is
    ///   DuplicatePropertiesSpecified; sizes and counts follow ``EntityLimits``. The entity size
    ///   is counted with the body's keys (empty when absent); callers that take keys from the
    ///   URL or merge into a stored entity check the result with ``EntityLimits/validate(_:)``.
    ///
    /// - Throws: A 400 ``StorageError``: InvalidInput for a body that is not a JSON object or a
    ///   value that does not fit; the naming and limit codes above.
    package static func decode(_ body: [UInt8]) throws(StorageError) -> DecodedEntity {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw .invalidInput("The body is not valid JSON: \(error).")
        }
        guard case .object(let members) = document else {
            throw .invalidInput("The body must be a JSON object.")
        }
        let types = try Self.typeAnnotations(members)

        var partitionKey: String?
        var rowKey: String?
        var hasPartitionKey = false
        var hasRowKey = false
        // Names given as null: stored nowhere, but a second occurrence is still a duplicate.
        var nullNames = Set<String>()
        var properties = EntityProperties(minimumCapacity: members.count)
        for member in members where !Self.isIgnored(member.name) {
            let name = member.name
            let type = types.isEmpty ? nil : types[name]
            switch name {
            case "PartitionKey":
                guard !hasPartitionKey else { throw .duplicatePropertiesSpecified(name) }
                hasPartitionKey = true
                partitionKey = try Self.key(member.value, type: type)
            case "RowKey":
                guard !hasRowKey else { throw .duplicatePropertiesSpecified(name) }
                hasRowKey = true
                rowKey = try Self.key(member.value, type: type)
            default:
                try EntityLimits.validatePropertyName(name)
                if !nullNames.isEmpty, nullNames.contains(name) { throw .duplicatePropertiesSpecified(name) }
                if member.value == .null {
                    guard !properties.contains(name), nullNames.insert(name).inserted else {
                        throw .duplicatePropertiesSpecified(name)
                    }
                    continue
                }
                let value = try EdmValue(json: member.value, type: type)
                try EntityLimits.validateValue(value, name: name)
                guard properties.appendIfAbsent(name, value) else { throw .duplicatePropertiesSpecified(name) }
            }
        }
        try EntityLimits.validate(partitionKey: partitionKey ?? "", rowKey: rowKey ?? "", properties: properties)
        return DecodedEntity(partitionKey: partitionKey, rowKey: rowKey, properties: properties)
    }

    /// The `Name@odata.type` annotations by property name.
    private static func typeAnnotations(_ members: [JSONMember]) throws(StorageError) -> [String: EdmType] {
        var types = [String: EdmType]()
        for member in members {
            guard let name = Self.annotatedName(member.name) else { continue }
            guard case .string(let typeName) = member.value, let type = EdmType(rawValue: typeName) else {
                throw .invalidInput("'\(member.name)' does not name a supported Edm type.")
            }
            guard types.updateValue(type, forKey: name) == nil else { throw .duplicatePropertiesSpecified(member.name) }
        }
        return types
    }

    /// Members the server owns or that only annotate: `odata.*`, `…@odata.*`, `Timestamp`.
    ///
    /// Byte comparisons: `Character`-based searches cost more than the whole JSON parse.
    private static func isIgnored(_ name: String) -> Bool {
        let utf8 = name.utf8
        if name == "Timestamp" || utf8.starts(with: "odata.".utf8) { return true }
        guard let at = utf8.firstIndex(of: UInt8(ascii: "@")) else { return false }
        return utf8[utf8.index(after: at)...].starts(with: "odata.".utf8)
    }

    /// `Name` when `member` is a `Name@odata.type` annotation.
    private static func annotatedName(_ member: String) -> String? {
        let suffix = "@odata.type".utf8
        let utf8 = member.utf8
        guard utf8.count >= suffix.count, utf8.suffix(suffix.count).elementsEqual(suffix) else { return nil }
        return String(decoding: utf8.dropLast(suffix.count), as: UTF8.self)
    }

    private static func key(_ value: JSONValue, type: EdmType?) throws(StorageError) -> String? {
        guard type == nil || type == .string else { throw .invalidInput("PartitionKey and RowKey must be strings.") }
        switch value {
        case .string(let key): return key
        case .null: return nil
        default: throw .invalidInput("PartitionKey and RowKey must be strings.")
        }
    }
}
