//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

@testable import StorageCore

/// libFuzzer entry point for the XML the Queue dialect reads: every document reader is given
/// the input; a message list that decodes must encode and decode back to itself.
@_cdecl("LLVMFuzzerTestOneInput")
public func queueXMLFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let body = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? XMLReader.parse(body)
    _ = try? QueueMessageXML.decodeMessageText(body)
    _ = try? QueueListXML.decode(body)
    _ = try? StorageErrorXML.decode(body)
    _ = try? SignedIdentifier.parseList(body)
    if let messages = try? QueueMessageXML.decodeList(body) {
        let encoded = QueueMessageXML.encodeList(messages)
        guard let again = try? QueueMessageXML.decodeList(encoded), again == messages else {
            fatalError("A decoded message list does not survive encoding: \(String(decoding: encoded, as: UTF8.self))")
        }
    }
    return 0
}
