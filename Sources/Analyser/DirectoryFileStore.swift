//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

public import Foundation

/// A FileStore over a local directory.
///
/// Writes go to a hidden temporary name in the same directory and are renamed into place, so
/// a file is either absent or complete; listings skip hidden and temporary names.
public struct DirectoryFileStore: FileStore {
    /// The directory holding the files.
    public let directory: URL

    private static let temporarySuffix = ".partial"

    /// A store over `directory`, created if missing.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The complete files, sorted by name.
    public func fileNames() async throws -> [String] {
        let directory = self.directory
        return try await BlockingWork.run {
            try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { !Self.isTemporary($0) }
                .sorted()
        }
    }

    /// The bytes of `name`.
    public func read(_ name: String) async throws -> [UInt8] {
        let url = self.directory.appendingPathComponent(name)
        return try await BlockingWork.run { Array(try Data(contentsOf: url)) }
    }

    /// Writes `bytes` to a temporary name, then renames it to `name`.
    public func write(_ name: String, bytes: [UInt8]) async throws {
        let target = self.directory.appendingPathComponent(name)
        let temporary = self.directory.appendingPathComponent(
            ".\(name).\(UUID().uuidString.lowercased())\(Self.temporarySuffix)")
        try await BlockingWork.run {
            try Data(bytes).write(to: temporary)
            if rename(temporary.path, target.path) != 0 {
                let code = errno
                try? FileManager.default.removeItem(at: temporary)
                throw CocoaError(
                    .fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: "rename failed: errno \(code)"])
            }
        }
    }

    private static func isTemporary(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(Self.temporarySuffix)
    }
}
