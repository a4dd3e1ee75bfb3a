//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Makes small valid images of every format, and a few corrupt files, for demos and tests.
///
/// Every image is real enough for its header to be read: uncompressed BMP, GIF with
/// uncompressed LZW codes, PNG with stored-deflate zlib data and correct CRCs, a baseline JPEG
/// header (JFIF + SOF0), and a WebP VP8L header.
public enum ImageGenerator: Sendable {
    /// `count` valid images of mixed formats and sizes, followed by `max(2, count / 30)`
    /// corrupt files, named `<prefix>-NNNN.<extension>`.
    public static func batch(count: Int, prefix: String) -> [GeneratedImage] {
        var images: [GeneratedImage] = []
        let formats = ImageFormat.allCases
        for index in 0..<count {
            let format = formats[index % formats.count]
            let width = 1 + (index * 37 + 11) % 96
            let height = 1 + (index * 53 + 7) % 64
            images.append(
                GeneratedImage(
                    name: Self.name(prefix, index, format.fileExtension),
                    bytes: Self.image(
                        format: format, width: width, height: height, shade: UInt8(truncatingIfNeeded: index)),
                    format: format, width: width, height: height, isCorrupt: false))
        }
        let corruptCount = count == 0 ? 0 : max(2, count / 30)
        for offset in 0..<corruptCount {
            let index = count + offset
            images.append(Self.corrupt(kind: offset, name: { Self.name(prefix, index, $0) }))
        }
        return images
    }

    /// One valid image.
    public static func image(format: ImageFormat, width: Int, height: Int, shade: UInt8 = 0x80) -> [UInt8] {
        switch format {
        case .png: Self.png(width: width, height: height, shade: shade)
        case .jpeg: Self.jpeg(width: width, height: height)
        case .gif: Self.gif(width: width, height: height)
        case .bmp: Self.bmp(width: width, height: height, shade: shade)
        case .webp: Self.webp(width: width, height: height)
        }
    }

    private static func name(_ prefix: String, _ index: Int, _ fileExtension: String) -> String {
        let digits = String(index)
        return "\(prefix)-\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits).\(fileExtension)"
    }

    /// Corrupt files of five kinds, in turn.
    private static func corrupt(kind: Int, name: (String) -> String) -> GeneratedImage {
        switch kind % 5 {
        case 0:
            let whole = Self.png(width: 20, height: 20, shade: 1)
            return GeneratedImage(
                name: name("png"), bytes: Array(whole.prefix(whole.count / 2)), format: .png, width: 20, height: 20,
                isCorrupt: true)
        case 1:
            var bytes = Self.png(width: 8, height: 8, shade: 2)
            bytes[20] ^= 0xFF
            return GeneratedImage(name: name("png"), bytes: bytes, format: .png, width: 8, height: 8, isCorrupt: true)
        case 2:
            return GeneratedImage(
                name: name("jpg"), bytes: [0xFF, 0xD8, 0xFF, 0xD9], format: .jpeg, width: 0, height: 0, isCorrupt: true)
        case 3:
            let whole = Self.gif(width: 30, height: 30)
            return GeneratedImage(
                name: name("gif"), bytes: Array(whole.dropLast(5)), format: .gif, width: 30, height: 30, isCorrupt: true
            )
        default:
            return GeneratedImage(
                name: name("bin"), bytes: Array("this is not an image at all".utf8), format: nil, width: 0, height: 0,
                isCorrupt: true)
        }
    }

    // MARK: - Encoders

    private static func png(width: Int, height: Int, shade: UInt8) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + width * 3))
        for row in 0..<height {
            raw.append(0)
            for column in 0..<width {
                raw += [shade, UInt8(truncatingIfNeeded: row * 4), UInt8(truncatingIfNeeded: column * 4)]
            }
        }
        // zlib: header, stored deflate blocks of at most 65535 bytes, Adler-32.
        var zlib: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65_535, raw.count)
            let length = end - start
            zlib.append(end == raw.count ? 1 : 0)
            zlib += Self.littleEndian16(length) + Self.littleEndian16(~length & 0xFFFF)
            zlib += raw[start..<end]
            start = end
        } while start < raw.count
        var sumA: UInt32 = 1
        var sumB: UInt32 = 0
        for byte in raw {
            sumA = (sumA + UInt32(byte)) % 65_521
            sumB = (sumB + sumA) % 65_521
        }
        zlib += Self.bigEndian32(Int(sumB << 16 | sumA))

        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += Self.pngChunk("IHDR", Self.bigEndian32(width) + Self.bigEndian32(height) + [8, 2, 0, 0, 0])
        bytes += Self.pngChunk("IDAT", zlib)
        bytes += Self.pngChunk("IEND", [])
        return bytes
    }

    private static func pngChunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return Self.bigEndian32(body.count) + typeBytes + body + Self.bigEndian32(Int(CRC32.checksum(typeBytes + body)))
    }

    private static func jpeg(width: Int, height: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8]
        bytes += [0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
        bytes += [0xFF, 0xC0, 0x00, 0x11, 0x08] + Self.bigEndian16(height) + Self.bigEndian16(width)
        bytes += [0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]
        bytes += [0xFF, 0xD9]
        return bytes
    }

    private static func gif(width: Int, height: Int) -> [UInt8] {
        var bytes = Array("GIF89a".utf8) + Self.littleEndian16(width) + Self.littleEndian16(height)
        bytes += [0x80, 0x00, 0x00]  // a global colour table of two entries
        bytes += [0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]
        bytes += [0x2C, 0, 0, 0, 0] + Self.littleEndian16(width) + Self.littleEndian16(height) + [0x00]
        // Minimum code size 2; three-bit codes: a clear code before every two pixels keeps the
        // code size from growing, so no compression is needed.
        let pixelCount = width * height
        var codes: [Int] = []
        for pixel in 0..<pixelCount {
            if pixel % 2 == 0 { codes.append(4) }
            codes.append(pixel % 3 == 0 ? 1 : 0)
        }
        codes.append(5)
        var packed: [UInt8] = []
        var accumulator = 0
        var bitCount = 0
        for code in codes {
            accumulator |= code << bitCount
            bitCount += 3
            while bitCount >= 8 {
                packed.append(UInt8(accumulator & 0xFF))
                accumulator >>= 8
                bitCount -= 8
            }
        }
        if bitCount > 0 { packed.append(UInt8(accumulator & 0xFF)) }
        bytes.append(0x02)
        var start = 0
        while start < packed.count {
            let end = min(start + 255, packed.count)
            bytes.append(UInt8(end - start))
            bytes += packed[start..<end]
            start = end
        }
        bytes += [0x00, 0x3B]
        return bytes
    }

    private static func bmp(width: Int, height: Int, shade: UInt8) -> [UInt8] {
        let rowSize = (width * 3 + 3) / 4 * 4
        let pixelBytes = rowSize * height
        let fileSize = 14 + 40 + pixelBytes
        var bytes = Array("BM".utf8) + Self.littleEndian32(fileSize) + [0, 0, 0, 0] + Self.littleEndian32(54)
        bytes += Self.littleEndian32(40) + Self.littleEndian32(width) + Self.littleEndian32(height)
        bytes +=
            Self.littleEndian16(1) + Self.littleEndian16(24) + Self.littleEndian32(0) + Self.littleEndian32(pixelBytes)
        bytes += Self.littleEndian32(2835) + Self.littleEndian32(2835) + Self.littleEndian32(0) + Self.littleEndian32(0)
        for row in 0..<height {
            var line: [UInt8] = []
            for column in 0..<width {
                line += [shade, UInt8(truncatingIfNeeded: row), UInt8(truncatingIfNeeded: column)]
            }
            line += [UInt8](repeating: 0, count: rowSize - line.count)
            bytes += line
        }
        return bytes
    }

    private static func webp(width: Int, height: Int) -> [UInt8] {
        let bits = (width - 1) & 0x3FFF | ((height - 1) & 0x3FFF) << 14
        var payload: [UInt8] = [0x2F] + Self.littleEndian32(bits) + [0x00, 0x00, 0x00]
        if payload.count % 2 == 1 { payload.append(0) }
        let chunk = Array("VP8L".utf8) + Self.littleEndian32(payload.count) + payload
        return Array("RIFF".utf8) + Self.littleEndian32(4 + chunk.count) + Array("WEBP".utf8) + chunk
    }

    // MARK: - Integers

    private static func littleEndian16(_ value: Int) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)]
    }

    private static func littleEndian32(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }
    }

    private static func bigEndian16(_ value: Int) -> [UInt8] {
        [UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static func bigEndian32(_ value: Int) -> [UInt8] {
        (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) }
    }
}
