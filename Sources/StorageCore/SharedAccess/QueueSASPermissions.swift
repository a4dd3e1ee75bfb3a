//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The permissions a queue service SAS grants on one queue (`sp`).
///
/// Written in the canonical order `raup`; Azure rejects a queue SAS whose letters are out of
/// that order, so parsing insists on it too.
public struct QueueSASPermissions: SASLetterSet {
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

    /// Whether Azure insists on the letters in canonical order.
    public static let requiresCanonicalOrder = true

    /// The letters, in canonical order; bit `n` stands for letter `n`.
    public static let letters: [Character] = ["r", "a", "u", "p"]
}
