//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

/// What the analyser learns about one file: format, dimensions, size and digest — or why it
/// could not read the image.
///
/// Analysis never throws and never traps: a corrupt or truncated file yields a result with
/// failure set, which is recorded like any other result and never retried.
public struct ImageAnalysis: Sendable, Hashable {
    /// The format from the magic bytes; `nil` when no known signature matched.
    public var format: ImageFormat?
    /// The width in pixels; 0 when the header could not be read.
    public var width: Int
    /// The height in pixels; 0 when the header could not be read.
    public var height: Int
    /// The file size in bytes.
    public var byteCount: Int
    /// The SHA-256 digest of the whole file, lowercase hexadecimal.
    public var sha256: String
    /// Why the image could not be read; `nil` when it was.
    public var failure: String?

    /// Whether the image was read successfully.
    public var succeeded: Bool { self.failure == nil }

    /// Analyses the bytes of one file.
    public init(bytes: [UInt8]) {
        self.byteCount = bytes.count
        self.sha256 = SHA256Digest.hexadecimalHash(bytes)
        self.format = ImageFormat.detect(bytes)
        self.width = 0
        self.height = 0
        self.failure = nil
        guard let format = self.format else {
            self.failure = "unknown format: no PNG, JPEG, GIF, BMP or WebP signature"
            return
        }
        do {
            let size = try ImageHeaderReader(bytes: bytes).dimensions(of: format)
            self.width = size.width
            self.height = size.height
        } catch {
            self.failure = error.reason
        }
    }
}
