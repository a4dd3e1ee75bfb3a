//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The Table service's limits on entities, checked with Azure's error codes.
///
/// Request decoding checks what one body can break; ``validate(_:)`` checks a whole entity and
/// is for the results of MERGE, which can grow past the limits without any one body doing so.
package enum EntityLimits {
    /// Custom properties per entity: 255 in all, less PartitionKey, RowKey and Timestamp.
    package static let maximumCustomProperties = 252
    /// Property name length in UTF-16 code units.
    package static let maximumPropertyNameLength = 255
    /// String length in UTF-16 code units: 64 KiB of UTF-16.
    package static let maximumStringLength = 32_768
    /// Binary length in bytes.
    package static let maximumBinaryLength = 65_536
    /// Entity size in bytes, counted by ``size(partitionKey:rowKey:properties:)``.
    package static let maximumEntitySize = 1_048_576

    /// Checks a custom property name: C# identifier rules (a letter or `_`, then letters,
    /// digits or `_`), at most 255 UTF-16 code units.
    ///
    /// - Throws: PropertyNameTooLong over the length, otherwise PropertyNameInvalid.
    package static func validatePropertyName(_ name: String) throws(StorageError) {
        if name.utf16.count > Self.maximumPropertyNameLength { throw .propertyNameTooLong(name) }
        if let isValid = Self.isValidASCIIName(name) {
            if !isValid { throw .propertyNameInvalid(name) }
            return
        }
        var scalars = name.unicodeScalars.makeIterator()
        guard let first = scalars.next(), first == "_" || first.properties.isAlphabetic else {
            throw .propertyNameInvalid(name)
        }
        while let scalar = scalars.next() {
            guard scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal else {
                throw .propertyNameInvalid(name)
            }
        }
    }

    /// The verdict for an all-ASCII name, or `nil` when the name has other characters: nearly
    /// every name is ASCII, and byte checks are far cheaper than Unicode property lookups.
    private static func isValidASCIIName(_ name: String) -> Bool? {
        var isFirst = true
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"):
                break
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if isFirst { return false }
            case 0x80...:
                return nil
            default:
                return false
            }
            isFirst = false
        }
        return !isFirst
    }

    /// Checks the size of one value.
    ///
    /// - Throws: PropertyValueTooLarge for a string over 32 K UTF-16 code units or a binary
    ///   over 64 KiB.
    package static func validateValue(_ value: EdmValue, name: String) throws(StorageError) {
        switch value {
        case .string(let text) where text.utf16.count > Self.maximumStringLength:
            throw .propertyValueTooLarge(name)
        case .binary(let bytes) where bytes.count > Self.maximumBinaryLength:
            throw .propertyValueTooLarge(name)
        default:
            return
        }
    }

    /// Checks the property count and the entity size.
    ///
    /// - Throws: TooManyProperties over 252 custom properties; EntityTooLarge over 1 MiB.
    package static func validate(partitionKey: String, rowKey: String, properties: EntityProperties)
        throws(StorageError)
    {
        if properties.count > Self.maximumCustomProperties { throw .tooManyProperties(properties.count) }
        let size = Self.size(partitionKey: partitionKey, rowKey: rowKey, properties: properties)
        if size > Self.maximumEntitySize { throw .entityTooLarge(size) }
    }

    /// Checks the property count and size of a whole entity, as after a MERGE.
    package static func validate(_ entity: TableEntity) throws(StorageError) {
        try Self.validate(partitionKey: entity.partitionKey, rowKey: entity.rowKey, properties: entity.properties)
    }

    /// An entity's size as Azure's documentation counts it for the 1 MiB limit:
    /// `4 + 2 × len(PartitionKey + RowKey) + Σ (8 + 2 × len(name) + size(value))`, lengths in
    /// UTF-16 code units, where a value counts String 4 + 2 × length, Binary 4 + length, Guid 16,
    /// DateTime, Int64 and Double 8, Int32 4, Boolean 1.
    ///
    /// `Timestamp` is counted as a DateTime property (34 bytes) because every stored entity has
    /// one.
    package static func size(partitionKey: String, rowKey: String, properties: EntityProperties) -> Int {
        let timestampSize = 8 + 2 * "Timestamp".utf16.count + 8
        var size = 4 + 2 * (partitionKey.utf16.count + rowKey.utf16.count) + timestampSize
        for (name, value) in properties {
            size += 8 + 2 * name.utf16.count + Self.size(of: value)
        }
        return size
    }

    private static func size(of value: EdmValue) -> Int {
        switch value {
        case .string(let text): 4 + 2 * text.utf16.count
        case .binary(let bytes): 4 + bytes.count
        case .guid: 16
        case .dateTime, .int64, .double: 8
        case .int32: 4
        case .boolean: 1
        }
    }
}
