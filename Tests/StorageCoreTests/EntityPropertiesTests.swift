//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("Entity properties")
struct EntityPropertiesTests {
    @Test("keeps insertion order through updates and removals")
    func keepsOrder() {
        var properties: EntityProperties = ["B": .int32(1), "A": .string("a"), "C": .boolean(true)]
        #expect(properties.names == ["B", "A", "C"])
        properties["A"] = .int64(2)
        #expect(properties.names == ["B", "A", "C"])
        #expect(properties["A"] == .int64(2))
        properties["D"] = .double(1.5)
        #expect(properties.remove("B") == .int32(1))
        #expect(properties.remove("missing") == nil)
        #expect(properties.names == ["A", "C", "D"])
        #expect(properties["C"] == .boolean(true))
        #expect(properties["D"] == .double(1.5))
        properties["C"] = nil
        #expect(properties.map(\.name) == ["A", "D"])
        #expect(properties.contains("A") && !properties.contains("C"))
        #expect(properties[1].value == .double(1.5))
    }

    @Test("merges by overwriting or appending")
    func merges() {
        var stored: EntityProperties = ["A": .int32(1), "B": .string("old"), "C": .boolean(false)]
        stored.merge(["B": .int32(2), "D": .string("new")])
        #expect(stored == ["A": .int32(1), "B": .int32(2), "C": .boolean(false), "D": .string("new")])
    }

    @Test("compares names, values and order")
    func equality() {
        let forward: EntityProperties = ["A": .int32(1), "B": .int32(2)]
        let backward: EntityProperties = ["B": .int32(2), "A": .int32(1)]
        #expect(forward != backward)
        #expect(forward == EntityProperties([("A", .int32(1)), ("B", .int32(2))]))
        #expect(Set([forward, forward]).count == 1)
        #expect(EntityProperties([("A", .int32(1)), ("A", .int32(3))]) == ["A": .int32(3)])
    }
}

@Suite("Entity storage encoding")
struct EntityStorageTests {
    static let sample: EntityProperties = [
        "Text": .string("héllo 😀 \"quoted\"\n"),
        "Empty": .string(""),
        "Small": .int32(.min),
        "Big": .int64(.max),
        "Negative": .int64(.min),
        "NaN": .double(Double(nan: 0x1234, signaling: false)),
        "NegativeZero": .double(-0.0),
        "Infinity": .double(-.infinity),
        "Tenth": .double(0.1),
        "Flag": .boolean(true),
        "Off": .boolean(false),
        "When": .dateTime(PreciseTimestamp(ticksSinceEpoch: 16_321_855_903_976_998)),
        "Old": .dateTime(.earliestTableDateTime),
        "Id": .guid("c9da6455-213d-42c9-9a79-3e9149a57833"),
        "Bytes": .binary((0...255).map { UInt8($0) }),
        "NoBytes": .binary([]),
        "日本": .string(String(repeating: "x", count: 300)),
    ]

    @Test("round-trips every type losslessly")
    func roundTrips() throws {
        let bytes = Self.sample.storageBytes
        let restored = try EntityProperties(storageBytes: bytes)
        #expect(restored.names == Self.sample.names)
        for (name, value) in Self.sample {
            #expect(identical(restored[name], value), "\(name)")
        }
        #expect(restored.storageBytes == bytes)
        #expect(try EntityProperties(storageBytes: EntityProperties().storageBytes).isEmpty)
    }

    @Test("rejects corrupt bytes as a server error")
    func rejectsCorruptBytes() {
        let bytes = Self.sample.storageBytes
        // Every truncation is detected.
        for length in 0..<bytes.count {
            let error = #expect(throws: StorageError.self) {
                try EntityProperties(storageBytes: Array(bytes[..<length]))
            }
            #expect(error?.status == 500)
            #expect(error?.code == .internalError)
        }
        #expect(throws: StorageError.self) { try EntityProperties(storageBytes: bytes + [0]) }
        #expect(throws: StorageError.self) { try EntityProperties(storageBytes: [2, 0]) }
        // One property "A" with an unknown tag, then with a Boolean of 2.
        #expect(throws: StorageError.self) { try EntityProperties(storageBytes: [1, 1, 1, 0x41, 9]) }
        #expect(throws: StorageError.self) { try EntityProperties(storageBytes: [1, 1, 1, 0x41, 5, 2]) }
        // Two properties both named "A".
        #expect(throws: StorageError.self) {
            try EntityProperties(storageBytes: [1, 2, 1, 0x41, 5, 1, 1, 0x41, 5, 0])
        }
        // A name that is not UTF-8.
        #expect(throws: StorageError.self) { try EntityProperties(storageBytes: [1, 1, 1, 0xFF, 5, 1]) }
    }
}
