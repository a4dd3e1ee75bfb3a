//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Random version-4 UUIDs as lowercase text, for request ids, lock owners and message ids.
///
/// Foundation's `UUID()` on Linux opens, reads and closes `/dev/urandom` for every value: three
/// system calls and a file descriptor, which profiling showed as about 5 % of the CPU time of a
/// table request (the client and the emulator each make one or more per request). The standard
/// library's `SystemRandomNumberGenerator` draws from the same kernel source with one
/// `getrandom` call and no descriptor.
package enum RandomIdentifier {
    /// A new random UUID in the canonical form, lowercase: `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    package static func uuidString() -> String {
        var generator = SystemRandomNumberGenerator()
        // Bytes 0–7 and 8–15 of the UUID, most significant first.
        var high: UInt64 = generator.next()
        var low: UInt64 = generator.next()
        // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
        high = (high & ~0xF000) | 0x4000
        low = (low & ~(0xC0 << 56)) | (0x80 << 56)
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: 36) { text in
            var position = 0
            func append(_ value: UInt64, bytes: ClosedRange<Int>) {
                for index in bytes {
                    let byte = Int(truncatingIfNeeded: value >> UInt64((7 - index) * 8)) & 0xFF
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        text[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    text[position] = digits.utf8Start[byte >> 4]
                    text[position + 1] = digits.utf8Start[byte & 0x0F]
                    position += 2
                }
            }
            append(high, bytes: 0...7)
            append(low, bytes: 0...7)
            return position
        }
    }
}
