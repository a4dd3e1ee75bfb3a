//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The services an account SAS may be used with (`ss`).
///
/// Rendered as `bqtf` order; Azure accepts the letters in any order but never twice.
public struct AccountSASServices: SASLetterSet {
    /// The flags, one bit per letter of `bqtf`.
    public let rawValue: UInt32

    /// Creates a set from its bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `b`: the Blob service.
    public static let blob = Self(rawValue: 1 << 0)
    /// `q`: the Queue service.
    public static let queue = Self(rawValue: 1 << 1)
    /// `t`: the Table service.
    public static let table = Self(rawValue: 1 << 2)
    /// `f`: the File service.
    public static let file = Self(rawValue: 1 << 3)

    /// Whether Azure insists on the letters in canonical order.
    public static let requiresCanonicalOrder = false

    /// The letters, in canonical order; bit `n` stands for letter `n`.
    public static let letters: [Character] = ["b", "q", "t", "f"]

    /// The set holding just `service`.
    public init(_ service: StorageService) {
        switch service {
        case .blob: self = .blob
        case .queue: self = .queue
        case .table: self = .table
        }
    }
}
