//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

extension TableEntity {
    /// The entity as the JSON body of an insert, update, merge or upsert.
    ///
    /// `PartitionKey` and `RowKey` come first, then the custom properties in order. Values
    /// whose JSON would read back as another type carry an `@odata.type` annotation just before
    /// them: Int64 (sent as a decimal string), DateTime, Guid, Binary, and every Double (so that
    /// a whole double such as `5.0` can never be taken for an integer by any reader). Strings,
    /// Int32 and Booleans go bare. ``timestamp`` is not sent: the service owns it.
    var requestBody: [UInt8] {
        var members = [JSONMember]()
        members.reserveCapacity(2 + 2 * self.properties.count)
        members.append(JSONMember("PartitionKey", .string(self.partitionKey)))
        members.append(JSONMember("RowKey", .string(self.rowKey)))
        for (name, value) in self.properties {
            if value.needsTypeAnnotation || value.type == .double {
                members.append(JSONMember(name + "@odata.type", .string(value.type.rawValue)))
            }
            members.append(JSONMember(name, value.json))
        }
        return JSONWriter.bytes(.object(members))
    }
}
