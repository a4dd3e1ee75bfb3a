//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A typed property value of a table entity.
///
/// Each case keeps the exact value Azure stores, so values round-trip without loss: 64-bit
/// integers stay integers, date-times keep all seven fractional digits, doubles keep NaN and
/// the infinities.
public enum EdmValue: Sendable, Hashable {
    /// `Edm.String`.
    case string(String)
    /// `Edm.Int32`.
    case int32(Int32)
    /// `Edm.Int64`.
    case int64(Int64)
    /// `Edm.Double`.
    case double(Double)
    /// `Edm.Boolean`.
    case boolean(Bool)
    /// `Edm.DateTime`.
    case dateTime(PreciseTimestamp)
    /// `Edm.Guid`, held in lowercase hyphenated form (`c9da6455-213d-42c9-9a79-3e9149a57833`).
    case guid(String)
    /// `Edm.Binary`.
    case binary([UInt8])

    /// The value's type.
    public var type: EdmType {
        switch self {
        case .string: .string
        case .int32: .int32
        case .int64: .int64
        case .double: .double
        case .boolean: .boolean
        case .dateTime: .dateTime
        case .guid: .guid
        case .binary: .binary
        }
    }

    /// The canonical form of a GUID: 36 characters, lowercase, hyphens at 8-4-4-4-12.
    ///
    /// - Returns: `nil` when `text` is not a GUID in that layout (either case accepted).
    public static func canonicalGUID(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        var output = [UInt8]()
        output.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                output.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"):
                output.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                output.append(byte | 0x20)
            default:
                return nil
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
