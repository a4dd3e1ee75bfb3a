//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation

/// A fresh directory under the system's temporary directory, for one test's database files.
///
/// Tests run in parallel, so each makes its own; ``remove()`` deletes it with its contents.
struct TemporaryDirectory {
    /// The directory.
    let url: URL

    /// Creates a uniquely named directory.
    init() throws {
        self.url = FileManager.default.temporaryDirectory
            .appendingPathComponent("baton-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    /// The path of a file in the directory.
    func path(_ name: String) -> String {
        self.url.appendingPathComponent(name).path
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: self.url)
    }
}

/// A small deterministic random number generator (SplitMix64), so that randomized tests
/// replay the same operations on every run and a failure can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = self.state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Where a test's table store lives: tests that do not depend on persistence run against both.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A database file in a temporary directory, read through the pool of read connections.
    case disk
    /// An in-memory database with a single connection.
    case memory

    var description: String { self.rawValue }
}

/// A table store for one test, and the directory to delete afterwards.
struct StoreFixture {
    /// The store.
    let store: TableStore
    /// Its directory, for a store on disk.
    let directory: TemporaryDirectory?

    /// Opens a new, empty store of the given kind.
    init(_ kind: StoreKind) throws {
        switch kind {
        case .disk:
            let directory = try TemporaryDirectory()
            self.directory = directory
            self.store = try TableStore(location: .directory(directory.url))
        case .memory:
            self.directory = nil
            self.store = try TableStore(location: .inMemory)
        }
    }

    /// Closes the store and deletes its files.
    func tearDown() {
        self.store.close()
        self.directory?.remove()
    }
}

/// Bytes standing for an entity's encoded properties.
func propertyBytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
