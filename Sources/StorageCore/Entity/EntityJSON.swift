//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The Table service's JSON dialect for entities and tables, as the emulator reads requests
/// and writes responses.
///
/// Decoding (``decode(_:)``) types and validates request bodies with Azure's error codes;
/// encoding writes responses at each ``ODataMetadata`` level in Azure's member order.
package enum EntityJSON {
    /// The path of an entity relative to the account, as `odata.editLink` and `Location` name
    /// it: `mytable(PartitionKey='a',RowKey='b')`.
    ///
    /// Keys are OData string literals, so a `'` is doubled; the literal is then percent-encoded
    /// byte for byte except RFC 3986's unreserved characters, as `azure-data-tables` encodes key
    /// paths (`a'b c` → `a%27%27b%20c`).
    package static func entityPath(table: String, partitionKey: String, rowKey: String) -> String {
        table + "(PartitionKey='" + Self.keyLiteral(partitionKey) + "',RowKey='" + Self.keyLiteral(rowKey) + "')"
    }

    private static func keyLiteral(_ key: String) -> String {
        // `replacing` goes through the regex engine; most keys have no quote to double.
        guard key.utf8.contains(UInt8(ascii: "'")) else { return PercentEncoding.encode(key) }
        return PercentEncoding.encode(key.replacing("'", with: "''"))
    }
}
