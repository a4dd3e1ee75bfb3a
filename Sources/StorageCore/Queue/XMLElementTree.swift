//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One element of a parsed XML document: its name, attributes, text and child elements.
///
/// The Queue service's bodies are small, namespace-free documents, so a plain tree is enough;
/// mixed content keeps the concatenated text of the element itself and its children apart.
public struct XMLElementTree: Sendable, Hashable {
    /// The element name exactly as written, such as `QueueMessage`.
    public var name: String
    /// The attributes in document order, values unescaped.
    public var attributes: [XMLAttribute]
    /// The element's own character data (text and CDATA), unescaped, children excluded.
    public var text: String
    /// The child elements in document order.
    public var children: [XMLElementTree]

    /// Creates an element.
    public init(name: String, attributes: [XMLAttribute] = [], text: String = "", children: [XMLElementTree] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// The first child with this name, compared exactly.
    public func child(_ name: String) -> XMLElementTree? {
        self.children.first { $0.name == name }
    }

    /// The first child whose name equals `name` ignoring ASCII case, as Azure matches
    /// `MessageText` in request bodies.
    public func child(caseInsensitive name: String) -> XMLElementTree? {
        let lowered = name.lowercased()
        return self.children.first { $0.name.lowercased() == lowered }
    }

    /// Every child with this name, compared exactly.
    public func children(_ name: String) -> [XMLElementTree] {
        self.children.filter { $0.name == name }
    }

    /// The value of the attribute with this name, if present.
    public func attribute(_ name: String) -> String? {
        self.attributes.first { $0.name == name }?.value
    }
}
