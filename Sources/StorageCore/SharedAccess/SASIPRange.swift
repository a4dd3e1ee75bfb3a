//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The client addresses a SAS may be used from (`sip`): one IPv4 address or an inclusive
/// range `first-last`.
///
/// Azure supports IPv4 only here; a request from an IPv6 address never matches (an
/// IPv4-mapped IPv6 address such as `::ffff:10.0.0.1` counts as its IPv4 address).
public struct SASIPRange: Sendable, Hashable, CustomStringConvertible {
    /// The first address of the range, as a 32-bit number.
    public let lowerBound: UInt32
    /// The last address of the range, as a 32-bit number.
    public let upperBound: UInt32
    /// Whether the range was written as one address, so it renders back the same way.
    private let isSingleAddress: Bool

    /// A range holding exactly one address.
    ///
    /// - Returns: `nil` unless `address` is dotted-decimal IPv4.
    public init?(address: String) {
        guard let value = Self.parseIPv4(address) else { return nil }
        self.lowerBound = value
        self.upperBound = value
        self.isSingleAddress = true
    }

    /// An inclusive range of addresses.
    ///
    /// - Returns: `nil` unless both are dotted-decimal IPv4 and `first` does not come after
    ///   `last`.
    public init?(first: String, last: String) {
        guard let lower = Self.parseIPv4(first), let upper = Self.parseIPv4(last), lower <= upper else { return nil }
        self.lowerBound = lower
        self.upperBound = upper
        self.isSingleAddress = false
    }

    /// Parses an `sip` value: `a.b.c.d` or `a.b.c.d-e.f.g.h`.
    ///
    /// - Returns: `nil` for anything else, including more than one range.
    public init?(_ text: String) {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
        switch pieces.count {
        case 1: self.init(address: text)
        case 2: self.init(first: String(pieces[0]), last: String(pieces[1]))
        default: return nil
        }
    }

    /// Whether the client address `text` lies in the range.
    ///
    /// - Returns: `false` for an address that is not IPv4 (or IPv4-mapped IPv6).
    public func contains(address text: String) -> Bool {
        var candidate = Substring(text)
        if candidate.lowercased().hasPrefix("::ffff:") {
            candidate = candidate.dropFirst(7)
        }
        guard let value = Self.parseIPv4(String(candidate)) else { return false }
        return (self.lowerBound...self.upperBound).contains(value)
    }

    /// The `sip` value: one address, or `first-last`.
    public var description: String {
        let first = Self.format(self.lowerBound)
        return self.isSingleAddress ? first : first + "-" + Self.format(self.upperBound)
    }

    /// Four decimal parts of one to three digits, each at most 255.
    private static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.utf8.count), part.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
                let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    private static func format(_ value: UInt32) -> String {
        [24, 16, 8, 0].map { String(value >> UInt32($0) & 0xff) }.joined(separator: ".")
    }
}
