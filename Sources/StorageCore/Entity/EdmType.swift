//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The OData primitive types that Azure Tables stores, named as `@odata.type` annotations write them.
public enum EdmType: String, Sendable, Hashable, CaseIterable {
    /// UTF-16 text up to 64 KiB.
    case string = "Edm.String"
    /// A 32-bit signed integer; a bare JSON integer means this.
    case int32 = "Edm.Int32"
    /// A 64-bit signed integer, written as a JSON string.
    case int64 = "Edm.Int64"
    /// An IEEE double; NaN and the infinities are written as strings.
    case double = "Edm.Double"
    /// `true` or `false`.
    case boolean = "Edm.Boolean"
    /// A UTC instant with 100 ns precision, written as ISO 8601.
    case dateTime = "Edm.DateTime"
    /// A GUID, written in its 36-character hyphenated form.
    case guid = "Edm.Guid"
    /// Bytes up to 64 KiB, written as base64.
    case binary = "Edm.Binary"
}
