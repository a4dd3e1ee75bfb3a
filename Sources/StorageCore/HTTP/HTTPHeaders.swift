//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// An ordered list of HTTP header fields whose names compare case-insensitively.
///
/// Order and the spelling of names are kept as given, because some signing schemes and
/// conformance checks care about what was sent; look-ups ignore case, as HTTP requires.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One header field.
    public struct Field: Sendable, Equatable {
        /// The name as it was given.
        public var name: String
        /// The value, without surrounding white space.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    /// Creates an empty header list.
    public init() {
        self.fields = []
    }

    /// Creates a header list from name–value pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// Creates a header list from a dictionary literal, in the order written.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The value of the first field with this name, compared case-insensitively.
    public subscript(name: String) -> String? {
        self.fields.first { Self.namesMatch($0.name, name) }?.value
    }

    /// Every value given for this name, in order.
    public func values(for name: String) -> [String] {
        self.fields.filter { Self.namesMatch($0.name, name) }.map(\.value)
    }

    /// Whether any field has this name.
    public func contains(_ name: String) -> Bool {
        self.fields.contains { Self.namesMatch($0.name, name) }
    }

    /// Appends a field, keeping any others with the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Replaces every field with this name by one field, or appends it if there was none.
    public mutating func replaceOrAdd(name: String, value: String) {
        guard let first = self.fields.firstIndex(where: { Self.namesMatch($0.name, name) }) else {
            self.add(name: name, value: value)
            return
        }
        self.fields[first] = Field(name: name, value: value)
        var index = self.fields.index(after: first)
        while index < self.fields.endIndex {
            if Self.namesMatch(self.fields[index].name, name) {
                self.fields.remove(at: index)
            } else {
                index = self.fields.index(after: index)
            }
        }
    }

    /// Removes every field with this name.
    public mutating func remove(name: String) {
        self.fields.removeAll { Self.namesMatch($0.name, name) }
    }

    /// The number of fields.
    public var count: Int { self.fields.count }

    /// Whether there are no fields.
    public var isEmpty: Bool { self.fields.isEmpty }

    /// Compares ASCII case-insensitively without allocating: header names are tokens, and this
    /// runs for every look-up on the request path.
    private static func namesMatch(_ left: String, _ right: String) -> Bool {
        left.utf8.elementsEqual(right.utf8) { a, b in
            a == b || (a ^ b == 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }
}

extension HTTPHeaders: Sequence {
    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }
}

extension HTTPHeaders: CustomStringConvertible {
    /// The fields one per line, with the value of `Authorization` hidden.
    ///
    /// A signature is not a key, but it grants access for a while, so it stays out of logs.
    public var description: String {
        self.fields.map { field in
            let value = Self.namesMatch(field.name, "Authorization") ? "<redacted>" : field.value
            return "\(field.name): \(value)"
        }.joined(separator: "\n")
    }
}
