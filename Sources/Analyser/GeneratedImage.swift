//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// One file made by ImageGenerator, with what its analysis should find.
public struct GeneratedImage: Sendable, Hashable {
    /// The file name.
    public var name: String
    /// The file's bytes.
    public var bytes: [UInt8]
    /// The format it was written in (for corrupt files, the format it pretends to be, if any).
    public var format: ImageFormat?
    /// The width written in its header.
    public var width: Int
    /// The height written in its header.
    public var height: Int
    /// Whether the file is deliberately corrupt.
    public var isCorrupt: Bool

    /// Creates a description of a generated file.
    public init(name: String, bytes: [UInt8], format: ImageFormat?, width: Int, height: Int, isCorrupt: Bool) {
        self.name = name
        self.bytes = bytes
        self.format = format
        self.width = width
        self.height = height
        self.isCorrupt = isCorrupt
    }
}
