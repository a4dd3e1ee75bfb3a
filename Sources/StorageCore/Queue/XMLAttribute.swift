//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One attribute of an XML element.
public struct XMLAttribute: Sendable, Hashable {
    /// The attribute name as written.
    public var name: String
    /// The unescaped value.
    public var value: String

    /// Creates an attribute.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
