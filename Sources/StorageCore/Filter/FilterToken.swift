//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A lexical unit of `$filter` text and where it starts.
struct FilterToken: Sendable, Equatable {
    /// What the token is.
    enum Kind: Sendable, Equatable {
        case openParenthesis
        case closeParenthesis
        case and
        case or
        case not
        case comparisonOperator(FilterComparisonOperator)
        case identifier(String)
        case literal(EdmValue)
        case end
    }

    var kind: Kind
    /// Offset of the token's first Unicode scalar in the filter text.
    var position: Int
    /// The token's text, quoted in error messages.
    var text: String

    /// How error messages name the token.
    var quoted: String {
        self.kind == .end ? "the end of the filter" : "'" + Self.abbreviated(self.text) + "'"
    }

    /// `text`, cut to 40 scalars so that a hostile filter cannot make an error message huge.
    static func abbreviated(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 40 else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(40))) + "…"
    }
}
