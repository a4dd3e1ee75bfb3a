//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

// The 400 errors of entity payloads, with the messages of Azure's Table error code reference.
// The HTTP layer appends the `RequestId:` and `Time:` lines Azure adds to every message.
extension StorageError {
    /// 400 InvalidInput: a body that is not an entity, or a value that does not fit its type.
    package static func invalidInput(_ detail: String? = nil) -> StorageError {
        Self.badRequest(.invalidInput, "One of the request inputs is not valid.", detail)
    }

    /// 400 OutOfRangeInput: a value of the right type outside the range the service stores.
    package static func outOfRangeInput(_ detail: String? = nil) -> StorageError {
        Self.badRequest(.outOfRangeInput, "One of the request inputs is out of range.", detail)
    }

    /// 400 PropertiesNeedValue: PartitionKey or RowKey is missing.
    package static func propertiesNeedValue() -> StorageError {
        Self.badRequest(.propertiesNeedValue, "The values are not specified for all properties in the entity.", nil)
    }

    /// 400 PropertyNameInvalid.
    package static func propertyNameInvalid(_ name: String) -> StorageError {
        Self.badRequest(.propertyNameInvalid, "The property name is invalid.", "Property name: '\(name)'.")
    }

    /// 400 PropertyNameTooLong.
    package static func propertyNameTooLong(_ name: String) -> StorageError {
        Self.badRequest(
            .propertyNameTooLong, "The property name exceeds the maximum allowed length.",
            "Property name: '\(name.prefix(32))…' (\(name.utf16.count) characters; at most 255 are allowed).")
    }

    /// 400 DuplicatePropertiesSpecified.
    package static func duplicatePropertiesSpecified(_ name: String) -> StorageError {
        Self.badRequest(
            .duplicatePropertiesSpecified, "A property is specified more than one time.", "Property name: '\(name)'.")
    }

    /// 400 PropertyValueTooLarge.
    package static func propertyValueTooLarge(_ name: String) -> StorageError {
        Self.badRequest(
            .propertyValueTooLarge, "The property value exceeds the maximum allowed size (64KB).",
            "If the property value is a string, it is UTF-16 encoded and the maximum number of characters should be "
                + "32K or less. Property name: '\(name)'.")
    }

    /// 400 TooManyProperties.
    package static func tooManyProperties(_ count: Int) -> StorageError {
        Self.badRequest(
            .tooManyProperties, "The entity contains more properties than allowed.",
            "Each entity can include up to 252 properties to store data; this one has \(count).")
    }

    /// 400 EntityTooLarge.
    package static func entityTooLarge(_ size: Int) -> StorageError {
        Self.badRequest(
            .entityTooLarge, "The entity is larger than the maximum size permitted.",
            "The entity counts \(size) bytes; at most 1048576 (1 MiB) are allowed.")
    }

    private static func badRequest(_ code: StorageErrorCode, _ message: String, _ detail: String?) -> StorageError {
        StorageError(status: 400, code: code, message: detail.map { message + " " + $0 } ?? message)
    }
}
