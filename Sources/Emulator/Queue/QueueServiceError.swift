//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// A Queue service error with the extra elements Azure adds to its XML body, such as
/// `MaxLimit` for 413 or `QueryParameterName` for an out-of-range parameter.
///
/// ``StorageError`` has no room for them, so the Queue service throws this where they matter
/// and plain ``StorageError`` elsewhere.
struct QueueServiceError: Error, Sendable {
    /// The status, code and message.
    var error: StorageError
    /// The extra elements, after `Message`, in order.
    var details: [QueueMetadataEntry]

    /// Wraps an error with its details.
    init(_ error: StorageError, details: [QueueMetadataEntry] = []) {
        self.error = error
        self.details = details
    }

    /// 400 `OutOfRangeQueryParameterValue` naming the parameter and its bounds.
    static func outOfRange(_ name: String, value: String, range: ClosedRange<Int64>) -> QueueServiceError {
        QueueServiceError(
            StorageError(
                status: 400, code: .outOfRangeQueryParameterValue,
                message: "One of the query parameters specified in the request URI is outside the permissible range."),
            details: [
                QueueMetadataEntry(name: "QueryParameterName", value: name),
                QueueMetadataEntry(name: "QueryParameterValue", value: value),
                QueueMetadataEntry(name: "MinimumAllowed", value: String(range.lowerBound)),
                QueueMetadataEntry(name: "MaximumAllowed", value: String(range.upperBound)),
            ])
    }

    /// 413 `RequestBodyTooLarge` with `MaxLimit`.
    static func bodyTooLarge(limit: Int) -> QueueServiceError {
        QueueServiceError(
            .requestBodyTooLarge(limit: limit), details: [QueueMetadataEntry(name: "MaxLimit", value: String(limit))])
    }
}
