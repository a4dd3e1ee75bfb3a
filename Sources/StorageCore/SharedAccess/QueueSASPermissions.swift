//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The permissions a queue service SAS grants on one queue (`sp`).
///
/// Written in the canonical order `raup`; Azure rejects a queue SAS whose letters are out of
/// that order, so parsing insists on it too.
public struct QueueSASPermissions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The flags, one bit per letter of `raup`.
    public let rawValue: UInt32

    /// Creates a set from its bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `r`: read the queue's metadata and properties, and peek at messages.
    public static let read = Self(rawValue: 1 << 0)
    /// `a`: put messages.
    public static let add = Self(rawValue: 1 << 1)
    /// `u`: update messages.
    public static let update = Self(rawValue: 1 << 2)
    /// `p`: get and delete messages.
    public static let process = Self(rawValue: 1 << 3)

    /// Every queue permission, `raup`.
    public static let all: Self = [.read, .add, .update, .process]

    static let alphabet: [Character] = ["r", "a", "u", "p"]

    /// Parses the letters of an `sp` value.
    ///
    /// - Returns: `nil` for a letter outside `raup`, a repeated letter, or letters out of order.
    public init?(_ text: String) {
        guard let mask = SASLetterCodec.mask(of: text, alphabet: Self.alphabet, requiringCanonicalOrder: true)
        else { return nil }
        self.init(rawValue: mask)
    }

    /// Parses letters in any order, as stored access policies may hold them.
    init?(anyOrder text: String) {
        guard let mask = SASLetterCodec.mask(of: text, alphabet: Self.alphabet, requiringCanonicalOrder: false)
        else { return nil }
        self.init(rawValue: mask)
    }

    /// The letters in canonical order, such as `raup` or `ap`.
    public var description: String {
        SASLetterCodec.text(of: self.rawValue, alphabet: Self.alphabet)
    }
}
