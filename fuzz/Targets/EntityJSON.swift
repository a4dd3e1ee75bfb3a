//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

@testable import StorageCore

/// libFuzzer entry point for entity request bodies: the input is decoded as an Insert or
/// Update body; an entity that decodes with both keys is encoded at full metadata and must
/// decode back to the same properties.
@_cdecl("LLVMFuzzerTestOneInput")
public func entityJSONFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JSONParser.parse(body)
    guard let decoded = try? EntityJSON.decode(body), let entity = try? decoded.requiringKeys() else { return 0 }
    let context = EntityJSONContext(
        baseURL: "http://127.0.0.1:10002/devstoreaccount1", accountName: "devstoreaccount1", tableName: "t")
    for metadata in [ODataMetadata.noMetadata, .minimalMetadata, .fullMetadata] {
        _ = JSONWriter.bytes(EntityJSON.encode(entity, metadata: metadata, context: context))
    }
    let encoded = JSONWriter.bytes(EntityJSON.encode(entity, metadata: .fullMetadata, context: context))
    guard let again = try? EntityJSON.decode(encoded) else {
        fatalError("The encoding of a decoded entity does not decode: \(String(decoding: encoded, as: UTF8.self))")
    }
    guard again.properties == entity.properties, again.partitionKey == entity.partitionKey,
        again.rowKey == entity.rowKey
    else {
        fatalError("The encoding of a decoded entity decodes differently: \(String(decoding: encoded, as: UTF8.self))")
    }
    return 0
}
