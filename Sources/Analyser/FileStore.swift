//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Where uploaded images live: the "file server" the analyser watches.
///
/// A directory today (DirectoryFileStore); a blob container can implement the same three
/// operations later.
public protocol FileStore: Sendable {
    /// The names of the complete files in the store, sorted; files still being written are not listed.
    func fileNames() async throws -> [String]

    /// The contents of the file called `name`.
    func read(_ name: String) async throws -> [UInt8]

    /// Stores `bytes` as `name` atomically: readers see either no file or the whole file.
    func write(_ name: String, bytes: [UInt8]) async throws
}
