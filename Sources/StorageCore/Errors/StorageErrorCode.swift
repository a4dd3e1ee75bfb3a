//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// An error code of the storage services, such as `EntityAlreadyExists`.
///
/// Codes are open-ended strings on the wire; the well-known ones are named here so callers can
/// match them (`error.code == .updateConditionNotSatisfied`) without spelling them out.
public struct StorageErrorCode: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The code exactly as the service writes it.
    public let rawValue: String

    /// Wraps a code string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps a code string literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    /// The code string.
    public var description: String { self.rawValue }
}

// Codes shared by every service.
extension StorageErrorCode {
    /// 403: the signature or credentials did not verify.
    public static let authenticationFailed: Self = "AuthenticationFailed"
    /// 403: a SAS does not grant the operation.
    public static let authorizationPermissionMismatch: Self = "AuthorizationPermissionMismatch"
    /// 403: a SAS is for another service.
    public static let authorizationServiceMismatch: Self = "AuthorizationServiceMismatch"
    /// 403: a SAS is for another resource type.
    public static let authorizationResourceTypeMismatch: Self = "AuthorizationResourceTypeMismatch"
    /// 403: a SAS does not allow this protocol.
    public static let authorizationProtocolMismatch: Self = "AuthorizationProtocolMismatch"
    /// 403: a SAS does not allow this source address.
    public static let authorizationSourceIPMismatch: Self = "AuthorizationSourceIPMismatch"
    /// 403: generic authorization failure.
    public static let authorizationFailure: Self = "AuthorizationFailure"
    /// 400: the `Authorization` header is malformed.
    public static let invalidAuthenticationInfo: Self = "InvalidAuthenticationInfo"
    /// 400: a header value is not acceptable.
    public static let invalidHeaderValue: Self = "InvalidHeaderValue"
    /// 400: a required header is absent.
    public static let missingRequiredHeader: Self = "MissingRequiredHeader"
    /// 400: a query parameter value is not acceptable.
    public static let invalidQueryParameterValue: Self = "InvalidQueryParameterValue"
    /// 400: a query parameter value is outside its allowed range.
    public static let outOfRangeQueryParameterValue: Self = "OutOfRangeQueryParameterValue"
    /// 400: a required query parameter is absent.
    public static let missingRequiredQueryParameter: Self = "MissingRequiredQueryParameter"
    /// 400: the request URI is not valid.
    public static let invalidUri: Self = "InvalidUri"
    /// 400: an XML body is not valid.
    public static let invalidXmlDocument: Self = "InvalidXmlDocument"
    /// 400: a resource name breaks the naming rules.
    public static let invalidResourceName: Self = "InvalidResourceName"
    /// 400: a value is outside its allowed range.
    public static let outOfRangeInput: Self = "OutOfRangeInput"
    /// 400: one of the request inputs is not valid.
    public static let invalidInput: Self = "InvalidInput"
    /// 404: the resource does not exist (also: an unknown account).
    public static let resourceNotFound: Self = "ResourceNotFound"
    /// 405: the HTTP method is not supported for this resource.
    public static let unsupportedHttpVerb: Self = "UnsupportedHttpVerb"
    /// 413: the request body is larger than the service accepts.
    public static let requestBodyTooLarge: Self = "RequestBodyTooLarge"
    /// 500: the server failed.
    public static let internalError: Self = "InternalError"
    /// 503: the server is too busy; retry later.
    public static let serverBusy: Self = "ServerBusy"
    /// 500: the operation did not finish in time.
    public static let operationTimedOut: Self = "OperationTimedOut"
    /// 501: the operation is not implemented.
    public static let notImplemented: Self = "NotImplemented"
}

// Table service codes.
extension StorageErrorCode {
    /// 409: the table already exists.
    public static let tableAlreadyExists: Self = "TableAlreadyExists"
    /// 404: the table does not exist.
    public static let tableNotFound: Self = "TableNotFound"
    /// 409: the table is being deleted.
    public static let tableBeingDeleted: Self = "TableBeingDeleted"
    /// 409: an entity with this PartitionKey and RowKey already exists.
    public static let entityAlreadyExists: Self = "EntityAlreadyExists"
    /// 412: `If-Match` did not match the entity's current ETag.
    public static let updateConditionNotSatisfied: Self = "UpdateConditionNotSatisfied"
    /// 400: the same row appears twice in a batch.
    public static let invalidDuplicateRow: Self = "InvalidDuplicateRow"
    /// 400: PartitionKey or RowKey is missing.
    public static let propertiesNeedValue: Self = "PropertiesNeedValue"
    /// 400: a property value is too large.
    public static let propertyValueTooLarge: Self = "PropertyValueTooLarge"
    /// 400: the entity is larger than 1 MiB.
    public static let entityTooLarge: Self = "EntityTooLarge"
    /// 400: the entity has more than 255 properties.
    public static let tooManyProperties: Self = "TooManyProperties"
    /// 400: a property name is not valid.
    public static let propertyNameInvalid: Self = "PropertyNameInvalid"
    /// 400: a property name is longer than 255 characters.
    public static let propertyNameTooLong: Self = "PropertyNameTooLong"
    /// 400: a property is given twice.
    public static let duplicatePropertiesSpecified: Self = "DuplicatePropertiesSpecified"
    /// 400: a value does not match its declared type.
    public static let invalidValueType: Self = "InvalidValueType"
    /// 415: Atom payloads are not supported.
    public static let atomFormatNotSupported: Self = "AtomFormatNotSupported"
    /// 415: the JSON format asked for is not supported.
    public static let jsonFormatNotSupported: Self = "JsonFormatNotSupported"
    /// 400: `X-HTTP-Method` is given more than once.
    public static let xMethodIncorrectCount: Self = "XMethodIncorrectCount"
    /// 400: `X-HTTP-Method` names an unsupported method.
    public static let xMethodIncorrectValue: Self = "XMethodIncorrectValue"
    /// 400: `X-HTTP-Method` is used on a method other than POST.
    public static let xMethodNotUsingPost: Self = "XMethodNotUsingPost"
}

// Queue service codes.
extension StorageErrorCode {
    /// 409: the queue already exists with different metadata.
    public static let queueAlreadyExists: Self = "QueueAlreadyExists"
    /// 404: the queue does not exist.
    public static let queueNotFound: Self = "QueueNotFound"
    /// 409: the queue is being deleted.
    public static let queueBeingDeleted: Self = "QueueBeingDeleted"
    /// 409: the queue is disabled.
    public static let queueDisabled: Self = "QueueDisabled"
    /// 409: the queue is not empty.
    public static let queueNotEmpty: Self = "QueueNotEmpty"
    /// 404: the message does not exist, or the pop receipt no longer matches it.
    public static let messageNotFound: Self = "MessageNotFound"
    /// 400: the message is too large.
    public static let messageTooLarge: Self = "MessageTooLarge"
    /// 400: the pop receipt does not match.
    public static let popReceiptMismatch: Self = "PopReceiptMismatch"
    /// 400: the list marker is not valid.
    public static let invalidMarker: Self = "InvalidMarker"
}
