//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

// The emulator's on-disk form of an entity's custom properties: a small binary format, typed
// and lossless (NaN payloads, -0.0, all seven fractional digits, any bytes), cheaper to write and
// read than JSON. The keys and Timestamp live in their own database columns.
//
// Layout (integers little-endian; "varint" is unsigned LEB128):
//
//     version   UInt8 = 1
//     count     varint
//     count × property:
//         name length   varint, then the name's UTF-8 bytes
//         tag           UInt8, then the payload:
//             1 String    varint length, UTF-8 bytes
//             2 Int32     4 bytes, two's complement
//             3 Int64     8 bytes, two's complement
//             4 Double    8 bytes, the IEEE 754 bit pattern
//             5 Boolean   1 byte, 0 or 1
//             6 DateTime  8 bytes, signed 100 ns ticks since 1970-01-01T00:00:00Z
//             7 Guid      16 bytes, the 32 hex digits in written order
//             8 Binary    varint length, the bytes
//
// Tags and the version are persisted: never renumber them; a new layout takes a new version.
extension EntityProperties {
    private static let formatVersion: UInt8 = 1

    private enum Tag: UInt8 {
        case string = 1
        case int32 = 2
        case int64 = 3
        case double = 4
        case boolean = 5
        case dateTime = 6
        case guid = 7
        case binary = 8
    }

    /// The properties in the emulator's storage format (described at the top of this file).
    package var storageBytes: [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(16 + self.count * 24)
        output.append(Self.formatVersion)
        Self.appendVarint(self.count, to: &output)
        for (name, value) in self {
            Self.appendVarint(name.utf8.count, to: &output)
            output.append(contentsOf: name.utf8)
            switch value {
            case .string(let text):
                output.append(Tag.string.rawValue)
                Self.appendVarint(text.utf8.count, to: &output)
                output.append(contentsOf: text.utf8)
            case .int32(let number):
                output.append(Tag.int32.rawValue)
                Self.appendLittleEndian(UInt64(UInt32(bitPattern: number)), byteCount: 4, to: &output)
            case .int64(let number):
                output.append(Tag.int64.rawValue)
                Self.appendLittleEndian(UInt64(bitPattern: number), byteCount: 8, to: &output)
            case .double(let number):
                output.append(Tag.double.rawValue)
                Self.appendLittleEndian(number.bitPattern, byteCount: 8, to: &output)
            case .boolean(let flag):
                output.append(Tag.boolean.rawValue)
                output.append(flag ? 1 : 0)
            case .dateTime(let timestamp):
                output.append(Tag.dateTime.rawValue)
                Self.appendLittleEndian(UInt64(bitPattern: timestamp.ticksSinceEpoch), byteCount: 8, to: &output)
            case .guid(let text):
                output.append(Tag.guid.rawValue)
                Self.appendGUID(text, to: &output)
            case .binary(let bytes):
                output.append(Tag.binary.rawValue)
                Self.appendVarint(bytes.count, to: &output)
                output.append(contentsOf: bytes)
            }
        }
        return output
    }

    /// Reads properties written by ``storageBytes``.
    ///
    /// - Throws: 500 InternalError when the bytes are not in the storage format: a corrupt
    ///   database is the server's fault, not the client's.
    package init(storageBytes bytes: [UInt8]) throws(StorageError) {
        var reader = StorageReader(bytes: bytes)
        guard try reader.byte() == Self.formatVersion else { throw reader.corrupt("unknown format version") }
        let count = try reader.varint()
        self.init()
        for _ in 0..<count {
            let name = try reader.text()
            guard !self.contains(name) else { throw reader.corrupt("property '\(name)' appears twice") }
            guard let tag = Tag(rawValue: try reader.byte()) else { throw reader.corrupt("unknown type tag") }
            switch tag {
            case .string:
                self[name] = .string(try reader.text())
            case .int32:
                self[name] = .int32(Int32(bitPattern: UInt32(try reader.littleEndian(byteCount: 4))))
            case .int64:
                self[name] = .int64(Int64(bitPattern: try reader.littleEndian(byteCount: 8)))
            case .double:
                self[name] = .double(Double(bitPattern: try reader.littleEndian(byteCount: 8)))
            case .boolean:
                let flag = try reader.byte()
                guard flag <= 1 else { throw reader.corrupt("a Boolean is neither 0 nor 1") }
                self[name] = .boolean(flag == 1)
            case .dateTime:
                let ticks = Int64(bitPattern: try reader.littleEndian(byteCount: 8))
                self[name] = .dateTime(PreciseTimestamp(ticksSinceEpoch: ticks))
            case .guid:
                self[name] = .guid(try reader.guid())
            case .binary:
                self[name] = .binary(Array(try reader.bytes(count: try reader.varint())))
            }
        }
        guard reader.isAtEnd else { throw reader.corrupt("trailing bytes") }
    }

    private static func appendVarint(_ value: Int, to output: inout [UInt8]) {
        var remaining = UInt64(value)
        while remaining >= 0x80 {
            output.append(UInt8(remaining & 0x7F) | 0x80)
            remaining >>= 7
        }
        output.append(UInt8(remaining))
    }

    private static func appendLittleEndian(_ value: UInt64, byteCount: Int, to output: inout [UInt8]) {
        for index in 0..<byteCount { output.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    /// Packs the 32 hex digits of a canonical GUID, two to a byte.
    private static func appendGUID(_ text: String, to output: inout [UInt8]) {
        var high: UInt8?
        for byte in text.utf8 where byte != UInt8(ascii: "-") {
            let digit = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
            if let pending = high {
                output.append(pending << 4 | digit)
                high = nil
            } else {
                high = digit
            }
        }
    }
}

/// A bounds-checked cursor over stored property bytes.
private struct StorageReader {
    let bytes: [UInt8]
    var position = 0

    var isAtEnd: Bool { self.position == self.bytes.count }

    mutating func byte() throws(StorageError) -> UInt8 {
        guard self.position < self.bytes.count else { throw self.corrupt("unexpected end") }
        defer { self.position += 1 }
        return self.bytes[self.position]
    }

    mutating func bytes(count: Int) throws(StorageError) -> ArraySlice<UInt8> {
        guard count <= self.bytes.count - self.position else { throw self.corrupt("unexpected end") }
        defer { self.position += count }
        return self.bytes[self.position..<(self.position + count)]
    }

    mutating func varint() throws(StorageError) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try self.byte()
            guard shift < 63 else { throw self.corrupt("varint too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard value <= UInt64(Int.max) else { throw self.corrupt("varint too large") }
        return Int(value)
    }

    mutating func littleEndian(byteCount: Int) throws(StorageError) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in try self.bytes(count: byteCount).enumerated() {
            value |= UInt64(byte) << (8 * UInt64(index))
        }
        return value
    }

    mutating func text() throws(StorageError) -> String {
        let slice = try self.bytes(count: try self.varint())
        guard let text = String(validating: slice, as: UTF8.self) else { throw self.corrupt("invalid UTF-8") }
        return text
    }

    mutating func guid() throws(StorageError) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output = [UInt8]()
        output.reserveCapacity(36)
        for (index, byte) in try self.bytes(count: 16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { output.append(UInt8(ascii: "-")) }
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    func corrupt(_ detail: String) -> StorageError {
        StorageError(
            status: 500, code: .internalError,
            message: "Stored entity properties are corrupt (\(detail) at byte \(self.position)).")
    }
}
