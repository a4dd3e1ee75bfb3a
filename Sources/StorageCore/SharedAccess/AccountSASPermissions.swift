//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The permissions an account SAS grants (`sp`), across every service and resource type it
/// names.
///
/// Rendered in the order the Python SDK writes them, `rwdxylacupfti`. Azure accepts the
/// letters of an account SAS in any order but never twice. The blob-only letters are kept so
/// that a token from the portal (which offers `rwdlacupiytfx`) still parses.
public struct AccountSASPermissions: SASLetterSet {
    /// The flags, one bit per letter of `rwdxylacupfti`.
    public let rawValue: UInt32

    /// Creates a set from its bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `r`: read service properties, queue metadata, entities, peek messages.
    public static let read = Self(rawValue: 1 << 0)
    /// `w`: set service properties and queue metadata; create tables and queues.
    public static let write = Self(rawValue: 1 << 1)
    /// `d`: delete tables, queues and entities; clear messages.
    public static let delete = Self(rawValue: 1 << 2)
    /// `x`: delete a previous blob version (Blob only).
    public static let deletePreviousVersion = Self(rawValue: 1 << 3)
    /// `y`: permanently delete a blob (Blob only).
    public static let permanentDelete = Self(rawValue: 1 << 4)
    /// `l`: list tables and queues.
    public static let list = Self(rawValue: 1 << 5)
    /// `a`: insert entities, put messages, create tables and queues.
    public static let add = Self(rawValue: 1 << 6)
    /// `c`: create tables and queues.
    public static let create = Self(rawValue: 1 << 7)
    /// `u`: update entities and messages.
    public static let update = Self(rawValue: 1 << 8)
    /// `p`: get and delete messages.
    public static let process = Self(rawValue: 1 << 9)
    /// `f`: filter blobs by tag (Blob only).
    public static let filterByTags = Self(rawValue: 1 << 10)
    /// `t`: read and write blob tags (Blob only).
    public static let tag = Self(rawValue: 1 << 11)
    /// `i`: set immutability policies (Blob only).
    public static let setImmutabilityPolicy = Self(rawValue: 1 << 12)

    /// Whether Azure insists on the letters in canonical order.
    public static let requiresCanonicalOrder = false

    /// The letters, in canonical order; bit `n` stands for letter `n`.
    public static let letters: [Character] = ["r", "w", "d", "x", "y", "l", "a", "c", "u", "p", "f", "t", "i"]
}
