//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Why a document is not the well-formed XML ``XMLReader`` accepts.
public struct XMLReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, for error messages.
    public var reason: String
    /// The byte offset where reading stopped.
    public var offset: Int

    /// Creates an error.
    public init(reason: String, offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// The reason and the offset.
    public var description: String { "\(self.reason) (at byte \(self.offset))" }
}
