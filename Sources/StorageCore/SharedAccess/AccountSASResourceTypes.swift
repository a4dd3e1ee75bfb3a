//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The levels of resource an account SAS reaches (`srt`).
///
/// Rendered in `sco` order. Azure accepts the letters in any order but never twice; the Table
/// SDK's keyword constructor writes `soc`, which therefore verifies but is never produced here.
public struct AccountSASResourceTypes: SASLetterSet {
    /// The flags, one bit per letter of `sco`.
    public let rawValue: UInt32

    /// Creates a set from its bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `s`: service-level operations (properties, statistics, listing queues).
    public static let service = Self(rawValue: 1 << 0)
    /// `c`: container-level operations (tables and queues themselves).
    public static let container = Self(rawValue: 1 << 1)
    /// `o`: object-level operations (entities and messages).
    public static let object = Self(rawValue: 1 << 2)

    /// Whether Azure insists on the letters in canonical order.
    public static let requiresCanonicalOrder = false

    /// The letters, in canonical order; bit `n` stands for letter `n`.
    public static let letters: [Character] = ["s", "c", "o"]
}
