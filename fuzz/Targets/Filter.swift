//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

@testable import StorageCore

/// libFuzzer entry point for the OData `$filter` parser: the input, read as UTF-8, is parsed; a
/// filter that parses is evaluated against a fixed entity, has its key bounds computed, and
/// must read back from its own description as a filter with the same description (compared as
/// text, since a `NaN` literal is never equal to itself).
@_cdecl("LLVMFuzzerTestOneInput")
public func filterFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let expression = try? FilterExpression.parse(text) else { return 0 }
    let properties: [String: EdmValue] = [
        "PartitionKey": .string("p"), "RowKey": .string("r"), "Count": .int32(3), "Big": .int64(1 << 40),
        "Ratio": .double(0.5), "Flag": .boolean(true), "Name": .string("name"),
    ]
    _ = expression.matches { properties[$0] }
    _ = expression.matches(tableName: "table")
    _ = expression.keyBounds
    _ = expression.propertyNames
    let description = expression.description
    guard let reparsed = try? FilterExpression.parse(description) else {
        fatalError("The description '\(description)' of a parsed filter does not parse.")
    }
    guard reparsed.description == description else {
        fatalError("The description '\(description)' parses to a different filter.")
    }
    return 0
}
