//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@testable import Analyser

@Suite struct ImageAnalysisTests {
    @Test(arguments: ImageFormat.allCases)
    func readsGeneratedImages(format: ImageFormat) {
        for (width, height) in [(1, 1), (17, 3), (96, 64), (300, 200)] {
            let bytes = ImageGenerator.image(format: format, width: width, height: height)
            let analysis = ImageAnalysis(bytes: bytes)
            #expect(analysis.failure == nil, "\(format) \(width)x\(height): \(analysis.failure ?? "")")
            #expect(analysis.format == format)
            #expect(analysis.width == width)
            #expect(analysis.height == height)
            #expect(analysis.byteCount == bytes.count)
            #expect(analysis.sha256.count == 64)
        }
    }

    @Test func knownDigest() {
        #expect(
            ImageAnalysis(bytes: Array("abc".utf8)).sha256
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func corruptFilesFailWithAReason() {
        let corrupt = ImageGenerator.batch(count: 150, prefix: "t").filter(\.isCorrupt)
        #expect(corrupt.count == 5)
        for image in corrupt {
            let analysis = ImageAnalysis(bytes: image.bytes)
            #expect(analysis.failure != nil, "\(image.name) should fail")
            #expect(analysis.format == image.format)
        }
    }

    @Test(arguments: ImageFormat.allCases)
    func everyTruncationIsHandled(format: ImageFormat) {
        let bytes = ImageGenerator.image(format: format, width: 5, height: 4)
        for length in 0..<bytes.count {
            // Must never trap; the formats with a length or trailer check must fail.
            let analysis = ImageAnalysis(bytes: Array(bytes.prefix(length)))
            if format != .jpeg && format != .gif {
                #expect(analysis.failure != nil, "\(format) cut to \(length) bytes")
            }
        }
        #expect(ImageAnalysis(bytes: Array(bytes.dropLast())).failure != nil || format == .jpeg)
    }

    @Test func specificCorruptions() {
        #expect(ImageAnalysis(bytes: []).failure != nil)
        #expect(ImageAnalysis(bytes: [0xFF, 0xD8, 0xFF, 0xD9]).failure?.contains("frame header") == true)
        var png = ImageGenerator.image(format: .png, width: 4, height: 4)
        png[png.count - 20] ^= 0x01
        #expect(ImageAnalysis(bytes: png).failure?.contains("CRC") == true)
        var webp = ImageGenerator.image(format: .webp, width: 4, height: 4)
        webp[12] = UInt8(ascii: "X")
        #expect(ImageAnalysis(bytes: webp).failure != nil)
        var bmp = ImageGenerator.image(format: .bmp, width: 4, height: 4)
        bmp[14] = 7
        #expect(ImageAnalysis(bytes: bmp).failure != nil)
    }

    @Test func webpLossyAndExtendedHeaders() {
        let lossy: [UInt8] =
            Array("RIFF".utf8) + [22, 0, 0, 0] + Array("WEBP".utf8) + Array("VP8 ".utf8) + [10, 0, 0, 0]
            + [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00]
        let analysis = ImageAnalysis(bytes: lossy)
        #expect(analysis.failure == nil)
        #expect(analysis.width == 320 && analysis.height == 240)
        let extended: [UInt8] =
            Array("RIFF".utf8) + [22, 0, 0, 0] + Array("WEBP".utf8) + Array("VP8X".utf8) + [10, 0, 0, 0]
            + [0, 0, 0, 0, 0x3F, 0x01, 0x00, 0xEF, 0x00, 0x00]
        let extendedAnalysis = ImageAnalysis(bytes: extended)
        #expect(extendedAnalysis.width == 320 && extendedAnalysis.height == 240)
    }

    @Test func rowKeysRoundTrip() {
        for name in ["plain.png", "a/b\\c#d?e%f.jpg", "tab\there", "ünïcødé.gif"] {
            let encoded = TableKeyEscaping.escape(name)
            #expect(!encoded.contains("/") && !encoded.contains("#") && !encoded.contains("?"))
            #expect(TableKeyEscaping.unescape(encoded) == name)
        }
        #expect(TableKeyEscaping.escape("plain.png") == "plain.png")
    }

    @Test func directoryStoreWritesAtomicallyAndHidesPartialFiles() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try DirectoryFileStore(directory: directory)
        try await store.write("b.png", bytes: [1, 2, 3])
        try await store.write("a.png", bytes: [4])
        try Data([9]).write(to: directory.appendingPathComponent(".c.png.123.partial"))
        #expect(try await store.fileNames() == ["a.png", "b.png"])
        #expect(try await store.read("b.png") == [1, 2, 3])
    }
}
