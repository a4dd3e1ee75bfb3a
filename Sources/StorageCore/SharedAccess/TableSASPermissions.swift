//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The permissions a table service SAS grants on the entities of one table (`sp`).
///
/// Written in the canonical order `raud`; Azure rejects a table SAS whose letters are out of
/// that order, so parsing insists on it too.
public struct TableSASPermissions: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The flags, one bit per letter of `raud`.
    public let rawValue: UInt32

    /// Creates a set from its bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `r`: query entities and get one entity.
    public static let read = Self(rawValue: 1 << 0)
    /// `a`: insert entities; with `update`, upsert them.
    public static let add = Self(rawValue: 1 << 1)
    /// `u`: update and merge entities; with `add`, upsert them.
    public static let update = Self(rawValue: 1 << 2)
    /// `d`: delete entities.
    public static let delete = Self(rawValue: 1 << 3)

    /// Every table permission, `raud`.
    public static let all: Self = [.read, .add, .update, .delete]

    static let alphabet: [Character] = ["r", "a", "u", "d"]

    /// Parses the letters of an `sp` value.
    ///
    /// - Returns: `nil` for a letter outside `raud`, a repeated letter, or letters out of order.
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

    /// The letters in canonical order, such as `raud` or `ru`.
    public var description: String {
        SASLetterCodec.text(of: self.rawValue, alphabet: Self.alphabet)
    }
}
