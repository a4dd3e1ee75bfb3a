//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The custom properties of a table entity: names mapped to typed values, in insertion order.
///
/// Order is kept because responses list properties in the order they were written, as Azure
/// does; lookups go through a name index so that merges and `$select` stay cheap on wide
/// entities. `PartitionKey`, `RowKey` and `Timestamp` are not custom properties and live on
/// ``TableEntity``.
///
/// Equality compares names, values and order. Doubles compare as numbers, so a NaN value is
/// never equal to itself.
public struct EntityProperties: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// A property: its name and value.
    public typealias Element = (name: String, value: EdmValue)

    private var orderedNames: [String]
    private var orderedValues: [EdmValue]
    private var positions: [String: Int]

    /// No properties.
    public init() {
        self.orderedNames = []
        self.orderedValues = []
        self.positions = [:]
    }

    /// No properties, with room for `capacity` without regrowing.
    package init(minimumCapacity capacity: Int) {
        self.orderedNames = []
        self.orderedValues = []
        self.positions = Dictionary(minimumCapacity: capacity)
        self.orderedNames.reserveCapacity(capacity)
        self.orderedValues.reserveCapacity(capacity)
    }

    /// Properties in the order given; a repeated name keeps its first position and last value.
    public init(_ properties: some Sequence<(String, EdmValue)>) {
        self.init()
        for (name, value) in properties { self[name] = value }
    }

    /// Properties from a literal, in the order written.
    public init(dictionaryLiteral elements: (String, EdmValue)...) {
        self.init(elements)
    }

    /// Position of the first property.
    public var startIndex: Int { 0 }

    /// Position after the last property.
    public var endIndex: Int { self.orderedNames.count }

    /// The property at a position.
    public subscript(position: Int) -> Element {
        (self.orderedNames[position], self.orderedValues[position])
    }

    /// The property names in order.
    public var names: [String] { self.orderedNames }

    /// The value of the property called `name`; assigning `nil` removes it.
    ///
    /// Assigning to an existing name replaces the value in place, keeping the position, which is
    /// what a MERGE does to a property the entity already has.
    public subscript(name: String) -> EdmValue? {
        get {
            self.positions[name].map { self.orderedValues[$0] }
        }
        set {
            guard let newValue else {
                self.remove(name)
                return
            }
            if let position = self.positions[name] {
                self.orderedValues[position] = newValue
            } else {
                self.positions[name] = self.orderedNames.count
                self.orderedNames.append(name)
                self.orderedValues.append(newValue)
            }
        }
    }

    /// Appends a property unless one of that name exists, with a single lookup.
    ///
    /// - Returns: `false`, changing nothing, when `name` is already present.
    package mutating func appendIfAbsent(_ name: String, _ value: EdmValue) -> Bool {
        if let existing = self.positions.updateValue(self.orderedNames.count, forKey: name) {
            self.positions[name] = existing
            return false
        }
        self.orderedNames.append(name)
        self.orderedValues.append(value)
        return true
    }

    /// Whether a property called `name` exists.
    public func contains(_ name: String) -> Bool {
        self.positions[name] != nil
    }

    /// Removes the property called `name`.
    ///
    /// - Returns: Its value, or `nil` when there was none.
    @discardableResult
    public mutating func remove(_ name: String) -> EdmValue? {
        guard let position = self.positions.removeValue(forKey: name) else { return nil }
        self.orderedNames.remove(at: position)
        let value = self.orderedValues.remove(at: position)
        for index in position..<self.orderedNames.count {
            self.positions[self.orderedNames[index]] = index
        }
        return value
    }

    /// Applies MERGE semantics: each property of `other` overwrites the one of the same name or
    /// is appended; properties absent from `other` are kept.
    public mutating func merge(_ other: EntityProperties) {
        for (name, value) in other { self[name] = value }
    }

    /// Names, values and order are equal.
    public static func == (left: EntityProperties, right: EntityProperties) -> Bool {
        left.orderedNames == right.orderedNames && left.orderedValues == right.orderedValues
    }

    /// Hashes names, values and order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.orderedNames)
        hasher.combine(self.orderedValues)
    }
}
