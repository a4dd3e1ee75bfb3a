//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Turns the one-letter flags of a SAS field (`sp`, `ss`, `srt`) into bit masks and back.
///
/// Each permission-like type owns an alphabet, the letters in their canonical order; bit `n`
/// of a mask stands for letter `n`. Rendering always follows the alphabet, which is also the
/// order the Python SDK writes, so the same set always produces the same signed text.
enum SASLetterCodec {
    /// The mask for `text`, or `nil` when it holds an unknown letter, repeats a letter, or
    /// — with `requiringCanonicalOrder` — lists letters out of the alphabet's order, as Azure
    /// insists for service SAS permissions (`rd` is accepted, `dr` is not).
    static func mask(of text: String, alphabet: [Character], requiringCanonicalOrder: Bool) -> UInt32? {
        var mask: UInt32 = 0
        var lastIndex = -1
        for letter in text {
            guard let index = alphabet.firstIndex(of: letter) else { return nil }
            let bit = UInt32(1) << UInt32(index)
            guard mask & bit == 0 else { return nil }
            if requiringCanonicalOrder {
                guard index > lastIndex else { return nil }
                lastIndex = index
            }
            mask |= bit
        }
        return mask
    }

    /// The letters of `mask` in the alphabet's order.
    static func text(of mask: UInt32, alphabet: [Character]) -> String {
        var text = ""
        for (index, letter) in alphabet.enumerated() where mask & (UInt32(1) << UInt32(index)) != 0 {
            text.append(letter)
        }
        return text
    }
}
