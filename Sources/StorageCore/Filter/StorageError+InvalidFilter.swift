//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension StorageError {
    /// The 400 `InvalidInput` Azure answers for a `$filter` it cannot parse or will not run,
    /// with a message that says what is wrong and where.
    ///
    /// - Parameter position: Where the problem starts, counted in Unicode scalars from 0, or
    ///   `nil` for problems of the filter as a whole.
    static func invalidFilter(_ problem: String, at position: Int? = nil) -> StorageError {
        var message = "One of the request inputs is not valid: the $filter"
        if let position { message += " at position \(position)" }
        message += " is invalid: " + problem
        return StorageError(status: 400, code: .invalidInput, message: message)
    }
}
