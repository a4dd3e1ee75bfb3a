//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A set of one-letter SAS flags — permissions (`sp`), services (`ss`), resource types (`srt`).
///
/// Each type names its letters in canonical order; parsing and writing them is the same for all
/// and comes from the extension, so the same set always produces the same signed text.
public protocol SASLetterSet: OptionSet, Sendable, Hashable, CustomStringConvertible where RawValue == UInt32 {
    /// The letters, in canonical order; bit `n` stands for letter `n`.
    static var letters: [Character] { get }
    /// Whether Azure insists on the letters in canonical order (service SAS permissions).
    static var requiresCanonicalOrder: Bool { get }
}

extension SASLetterSet {
    /// Parses the letters of a SAS field.
    ///
    /// - Returns: `nil` for an unknown or repeated letter, or for letters out of order where
    ///   ``requiresCanonicalOrder`` demands it.
    public init?(_ text: String) {
        guard
            let mask = SASLetterCodec.mask(
                of: text, alphabet: Self.letters, requiringCanonicalOrder: Self.requiresCanonicalOrder)
        else { return nil }
        self.init(rawValue: mask)
    }

    /// Parses letters in any order, as stored access policies may hold them.
    init?(anyOrder text: String) {
        guard let mask = SASLetterCodec.mask(of: text, alphabet: Self.letters, requiringCanonicalOrder: false)
        else { return nil }
        self.init(rawValue: mask)
    }

    /// The letters in canonical order, such as `raud` or `rwdlacup`.
    public var description: String {
        SASLetterCodec.text(of: self.rawValue, alphabet: Self.letters)
    }
}
