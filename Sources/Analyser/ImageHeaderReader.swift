//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Reads the dimensions of an image from its header, checking lengths so that truncated or
/// corrupt files fail with a reason instead of reading out of bounds.
struct ImageHeaderReader: Sendable {
    let bytes: [UInt8]

    /// Width and height of an image whose signature says `format`.
    func dimensions(of format: ImageFormat) throws(ImageDecodingError) -> (width: Int, height: Int) {
        let size: (width: Int, height: Int)
        switch format {
        case .png: size = try self.png()
        case .jpeg: size = try self.jpeg()
        case .gif: size = try self.gif()
        case .bmp: size = try self.bmp()
        case .webp: size = try self.webp()
        }
        guard size.width > 0, size.height > 0 else {
            throw ImageDecodingError("\(format.rawValue) header gives an empty size \(size.width)x\(size.height)")
        }
        return size
    }

    // MARK: - Formats

    /// IHDR gives the size; every chunk's CRC is checked and the file must end with IEND.
    private func png() throws(ImageDecodingError) -> (width: Int, height: Int) {
        var offset = 8
        var size: (width: Int, height: Int)?
        while true {
            let length = try self.bigEndian32(at: offset, what: "PNG chunk length")
            let type = try self.slice(at: offset + 4, count: 4, what: "PNG chunk type")
            let body = try self.slice(at: offset + 8, count: length, what: "PNG chunk data")
            let stored = try self.bigEndian32(at: offset + 8 + length, what: "PNG chunk CRC")
            guard UInt32(stored) == CRC32.checksum(type + body) else {
                throw ImageDecodingError("PNG chunk \(String(decoding: type, as: UTF8.self)) has a bad CRC")
            }
            let name = String(decoding: type, as: UTF8.self)
            if size == nil {
                guard name == "IHDR", length >= 8 else { throw ImageDecodingError("PNG does not start with IHDR") }
                size = (
                    try self.bigEndian32(at: offset + 8, what: "width"),
                    try self.bigEndian32(at: offset + 12, what: "height")
                )
            }
            offset += 12 + length
            if name == "IEND", let size { return size }
        }
    }

    /// The first SOFn segment gives the size; segments are walked by their lengths.
    private func jpeg() throws(ImageDecodingError) -> (width: Int, height: Int) {
        var offset = 2
        while true {
            guard try self.byte(at: offset, what: "JPEG marker") == 0xFF else {
                throw ImageDecodingError("JPEG segment at byte \(offset) does not start with a marker")
            }
            var marker = try self.byte(at: offset + 1, what: "JPEG marker")
            while marker == 0xFF {
                offset += 1
                marker = try self.byte(at: offset + 1, what: "JPEG marker")
            }
            offset += 2
            switch marker {
            case 0xD8, 0x01, 0xD0...0xD7:
                continue
            case 0xD9, 0xDA:
                throw ImageDecodingError("JPEG has no frame header (SOFn) before its image data")
            case 0xC0...0xC3, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                _ = try self.slice(at: offset, count: 8, what: "JPEG frame header")
                let height = try self.bigEndian16(at: offset + 3, what: "height")
                let width = try self.bigEndian16(at: offset + 5, what: "width")
                return (width, height)
            default:
                let length = try self.bigEndian16(at: offset, what: "JPEG segment length")
                guard length >= 2 else { throw ImageDecodingError("JPEG segment length \(length) is too short") }
                _ = try self.slice(at: offset, count: length, what: "JPEG segment")
                offset += length
            }
        }
    }

    /// The logical screen descriptor gives the size; the file must end with the trailer.
    private func gif() throws(ImageDecodingError) -> (width: Int, height: Int) {
        let width = try self.littleEndian16(at: 6, what: "GIF width")
        let height = try self.littleEndian16(at: 8, what: "GIF height")
        guard self.bytes.last == 0x3B, self.bytes.count > 13 else {
            throw ImageDecodingError("GIF is truncated: no trailer")
        }
        return (width, height)
    }

    /// The file header's size must match; the info header gives the size.
    private func bmp() throws(ImageDecodingError) -> (width: Int, height: Int) {
        let declared = try self.littleEndian32(at: 2, what: "BMP file size")
        guard declared <= self.bytes.count else {
            throw ImageDecodingError("BMP is truncated: header says \(declared) bytes, file has \(self.bytes.count)")
        }
        let pixels = try self.littleEndian32(at: 10, what: "BMP pixel offset")
        guard pixels <= self.bytes.count else { throw ImageDecodingError("BMP pixel data starts past the end") }
        let headerSize = try self.littleEndian32(at: 14, what: "BMP info header size")
        if headerSize == 12 {
            return (try self.littleEndian16(at: 18, what: "width"), try self.littleEndian16(at: 20, what: "height"))
        }
        guard headerSize >= 40 else { throw ImageDecodingError("BMP info header size \(headerSize) is unknown") }
        let width = Int32(truncatingIfNeeded: try self.littleEndian32(at: 18, what: "width"))
        let height = Int32(truncatingIfNeeded: try self.littleEndian32(at: 22, what: "height"))
        return (Int(width), Int(height.magnitude))
    }

    /// The RIFF size must fit; the first chunk (VP8, VP8L or VP8X) gives the size.
    private func webp() throws(ImageDecodingError) -> (width: Int, height: Int) {
        let riffSize = try self.littleEndian32(at: 4, what: "RIFF size")
        guard riffSize + 8 <= self.bytes.count else {
            throw ImageDecodingError("WebP is truncated: RIFF says \(riffSize + 8) bytes, file has \(self.bytes.count)")
        }
        let chunk = String(decoding: try self.slice(at: 12, count: 4, what: "WebP chunk"), as: UTF8.self)
        switch chunk {
        case "VP8 ":
            guard try self.slice(at: 23, count: 3, what: "VP8 start code") == [0x9D, 0x01, 0x2A] else {
                throw ImageDecodingError("WebP VP8 frame has no start code")
            }
            return (
                try self.littleEndian16(at: 26, what: "width") & 0x3FFF,
                try self.littleEndian16(at: 28, what: "height") & 0x3FFF
            )
        case "VP8L":
            guard try self.byte(at: 20, what: "VP8L signature") == 0x2F else {
                throw ImageDecodingError("WebP VP8L stream has no signature")
            }
            let bits = try self.littleEndian32(at: 21, what: "VP8L size")
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
        case "VP8X":
            let width = try self.littleEndian24(at: 24, what: "canvas width") + 1
            let height = try self.littleEndian24(at: 27, what: "canvas height") + 1
            return (width, height)
        default:
            throw ImageDecodingError("WebP chunk '\(chunk)' is not VP8, VP8L or VP8X")
        }
    }

    // MARK: - Bytes

    private func slice(at offset: Int, count: Int, what: String) throws(ImageDecodingError) -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= self.bytes.count, count <= self.bytes.count - offset else {
            throw ImageDecodingError(
                "truncated: \(what) at byte \(offset) runs past the end (\(self.bytes.count) bytes)")
        }
        return Array(self.bytes[offset..<offset + count])
    }

    private func byte(at offset: Int, what: String) throws(ImageDecodingError) -> UInt8 {
        try self.slice(at: offset, count: 1, what: what)[0]
    }

    private func bigEndian16(at offset: Int, what: String) throws(ImageDecodingError) -> Int {
        let part = try self.slice(at: offset, count: 2, what: what)
        return Int(part[0]) << 8 | Int(part[1])
    }

    private func bigEndian32(at offset: Int, what: String) throws(ImageDecodingError) -> Int {
        let part = try self.slice(at: offset, count: 4, what: what)
        return part.reduce(0) { $0 << 8 | Int($1) }
    }

    private func littleEndian16(at offset: Int, what: String) throws(ImageDecodingError) -> Int {
        let part = try self.slice(at: offset, count: 2, what: what)
        return Int(part[1]) << 8 | Int(part[0])
    }

    private func littleEndian24(at offset: Int, what: String) throws(ImageDecodingError) -> Int {
        let part = try self.slice(at: offset, count: 3, what: what)
        return part.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    private func littleEndian32(at offset: Int, what: String) throws(ImageDecodingError) -> Int {
        let part = try self.slice(at: offset, count: 4, what: what)
        return part.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}
