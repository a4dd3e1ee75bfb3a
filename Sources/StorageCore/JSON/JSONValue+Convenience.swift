//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension JSONValue {
    /// A number from an integer, written in decimal.
    public static func number(_ value: Int) -> JSONValue {
        .number(String(value))
    }

    /// A number from a double, in the shortest form that reads back to the same bits.
    ///
    /// Whole values keep a fraction (`5.0`) so that readers which type numbers by their lexeme,
    /// as the Table service does, still see a double. JSON has no NaN or infinities: those become
    /// the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, the convention of OData and of
    /// the Table service.
    public static func number(_ value: Double) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        // Swift's description is the shortest round-trip form and keeps `.0` on whole values.
        return .number(value.description)
    }

    /// The value of the first member called `name`, when this is an object that has one.
    public subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The text, when this is a string.
    public var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// The lexeme, when this is a number.
    public var numberLexeme: String? {
        guard case .number(let lexeme) = self else { return nil }
        return lexeme
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// The members in order, when this is an object.
    public var objectMembers: [JSONMember]? {
        guard case .object(let members) = self else { return nil }
        return members
    }
}
