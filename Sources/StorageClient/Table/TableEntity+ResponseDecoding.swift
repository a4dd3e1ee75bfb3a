//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// One entity of a response body, with the ETag the body gave it.
struct DecodedResponseEntity: Sendable {
    /// The entity, its timestamp set when the body had `Timestamp` or `odata.etag`.
    var entity: TableEntity
    /// The `odata.etag` member, verbatim; `nil` when the body had none.
    var etag: String?
}

extension TableEntity {
    /// Reads one entity object of a JSON response (Get Entity, an insert's echo, or an element
    /// of a query's `value`), with minimal or full metadata.
    ///
    /// - `odata.etag` is kept verbatim; other `odata.*` members are skipped.
    /// - `Name@odata.type` annotations type their property wherever they stand; other
    ///   `@odata.*` annotations are skipped.
    /// - `Timestamp` becomes ``timestamp`` (1 to 7 fractional digits, as Azure may trim
    ///   zeros); without it, the instant inside `odata.etag` is used.
    /// - `null` values, which `$select` of a missing property produces, are left out.
    /// - Other values are typed as the service does: see `EdmValue(json:type:)`.
    ///
    /// - Parameters:
    ///   - object: The entity's JSON object.
    ///   - partitionKey: The key to use when the body has none (a `$select` that left it out).
    ///   - rowKey: Likewise for the row key.
    ///   - status: The response status, for errors.
    /// - Throws: ``StorageResponseError`` when the object is not an entity.
    static func decodeResponse(
        _ object: JSONValue, partitionKey: String? = nil, rowKey: String? = nil, status: Int
    ) throws(StorageResponseError) -> DecodedResponseEntity {
        guard case .object(let members) = object else {
            throw StorageResponseError(status: status, message: "An entity in the response is not a JSON object.")
        }
        var types: [String: EdmType] = [:]
        for member in members {
            guard let name = Self.annotatedName(member.name) else { continue }
            guard case .string(let typeName) = member.value, let type = EdmType(rawValue: typeName) else {
                throw StorageResponseError(
                    status: status, message: "The annotation '\(member.name)' does not name a known Edm type.")
            }
            types[name] = type
        }

        var etag: String?
        var foundPartitionKey: String?
        var foundRowKey: String?
        var timestamp: PreciseTimestamp?
        var properties = EntityProperties(minimumCapacity: members.count)
        for member in members {
            let name = member.name
            if name.utf8.starts(with: "odata.".utf8) {
                if name == "odata.etag", case .string(let value) = member.value { etag = value }
                continue
            }
            if name.utf8.contains(UInt8(ascii: "@")) || member.value == .null { continue }
            switch name {
            case "PartitionKey":
                foundPartitionKey = try Self.string(member.value, name: name, status: status)
            case "RowKey":
                foundRowKey = try Self.string(member.value, name: name, status: status)
            case "Timestamp":
                let text = try Self.string(member.value, name: name, status: status)
                guard let instant = PreciseTimestamp(iso8601: text) ?? PreciseTimestamp(edmDateTime: text) else {
                    throw StorageResponseError(status: status, message: "The Timestamp '\(text)' is not a UTC instant.")
                }
                timestamp = instant
            default:
                do {
                    properties[name] = try EdmValue(json: member.value, type: types[name])
                } catch {
                    throw StorageResponseError(
                        status: status, message: "The property '\(name)' has an unreadable value: \(error.message)")
                }
            }
        }
        guard let partitionKey = foundPartitionKey ?? partitionKey, let rowKey = foundRowKey ?? rowKey else {
            throw StorageResponseError(
                status: status, message: "An entity in the response lacks PartitionKey or RowKey.")
        }
        let entity = TableEntity(
            partitionKey: partitionKey, rowKey: rowKey,
            timestamp: timestamp ?? etag.flatMap(TableETag.timestamp(from:)),
            properties: properties)
        return DecodedResponseEntity(entity: entity, etag: etag)
    }

    /// `Name` when `member` is a `Name@odata.type` annotation.
    private static func annotatedName(_ member: String) -> String? {
        let suffix = "@odata.type"
        guard member.hasSuffix(suffix), member.utf8.count > suffix.utf8.count else { return nil }
        return String(member.dropLast(suffix.count))
    }

    private static func string(_ value: JSONValue, name: String, status: Int) throws(StorageResponseError) -> String {
        guard case .string(let text) = value else {
            throw StorageResponseError(status: status, message: "The response's \(name) is not a string.")
        }
        return text
    }
}
