//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The permissions a table service SAS grants on the entities of one table (`sp`).
///
/// Written in the canonical order `raud`; Azure rejects a table SAS whose letters are out of
/// that order, so parsing insists on it too.
public struct TableSASPermissions: SASLetterSet {
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

    /// Whether Azure insists on the letters in canonical order.
    public static let requiresCanonicalOrder = true

    /// The letters, in canonical order; bit `n` stands for letter `n`.
    public static let letters: [Character] = ["r", "a", "u", "d"]
}
