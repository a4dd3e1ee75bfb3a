//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// Splits `$filter` text into tokens, following the OData v3 URI literal forms that Azure
/// Tables inherited from WCF Data Services ("Astoria").
///
/// Works on Unicode scalars, so positions in messages count scalars. Keywords (`and`, `or`,
/// `not`, the comparison operators, `true`, `false`) and the literal prefixes `datetime`,
/// `guid`, `binary` and `X` are matched without regard to case, as Azurite does; `NaN` and
/// `INF` are matched exactly, as in the OData v3 grammar.
struct FilterLexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    /// Creates a lexer over `text`.
    init(_ text: String) {
        self.scalars = Array(text.unicodeScalars)
    }

    /// All tokens of `text`, ending with an `.end` token.
    static func tokens(of text: String) throws(StorageError) -> [FilterToken] {
        var lexer = FilterLexer(text)
        var tokens = [FilterToken]()
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    /// Whether `scalar` may start a property name: a letter or `_`, as in C# identifiers.
    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    /// Whether `scalar` may continue a property name: a letter, a decimal digit or `_`.
    static func isIdentifierContinuation(_ scalar: Unicode.Scalar) -> Bool {
        Self.isIdentifierStart(scalar) || scalar.properties.generalCategory == .decimalNumber
    }

    /// The next token; `.end` at (and after) the end of the text.
    mutating func next() throws(StorageError) -> FilterToken {
        while self.index < self.scalars.count, self.scalars[self.index].properties.isWhitespace {
            self.index += 1
        }
        let start = self.index
        guard start < self.scalars.count else { return FilterToken(kind: .end, position: start, text: "") }
        let scalar = self.scalars[start]
        switch scalar {
        case "(":
            self.index += 1
            return FilterToken(kind: .openParenthesis, position: start, text: "(")
        case ")":
            self.index += 1
            return FilterToken(kind: .closeParenthesis, position: start, text: ")")
        case "'":
            let text = try self.readQuoted(escapingDoubledQuotes: true)
            return FilterToken(kind: .literal(.string(text)), position: start, text: self.text(from: start))
        case "\"":
            throw .invalidFilter("string literals are quoted with ' (Azure does not accept \")", at: start)
        case "-":
            return try self.readNegative()
        case "0"..."9":
            return try self.readNumber()
        default:
            guard Self.isIdentifierStart(scalar) else {
                throw .invalidFilter("unexpected character '\(scalar.escaped(asASCII: true))'", at: start)
            }
            return try self.readWord()
        }
    }

    private func text(from start: Int) -> String {
        String(String.UnicodeScalarView(self.scalars[start..<self.index]))
    }

    private func isASCIIDigit(at position: Int) -> Bool {
        position < self.scalars.count && ("0"..."9").contains(self.scalars[position])
    }

    /// Reads `'…'` starting at the opening quote and returns the content. With
    /// `escapingDoubledQuotes`, `''` stands for one quote (string literals); without, the first
    /// quote ends it (the typed literals, whose content never contains one).
    private mutating func readQuoted(escapingDoubledQuotes: Bool) throws(StorageError) -> String {
        let start = self.index
        self.index += 1
        var content = String.UnicodeScalarView()
        while self.index < self.scalars.count {
            let scalar = self.scalars[self.index]
            self.index += 1
            guard scalar == "'" else {
                content.append(scalar)
                continue
            }
            guard escapingDoubledQuotes, self.index < self.scalars.count, self.scalars[self.index] == "'" else {
                return String(content)
            }
            content.append("'")
            self.index += 1
        }
        throw .invalidFilter("the quoted literal is not terminated", at: start)
    }

    /// Reads `-` followed by a number or by `INF`; the grammar has no other use for `-`.
    private mutating func readNegative() throws(StorageError) -> FilterToken {
        let start = self.index
        if self.isASCIIDigit(at: start + 1) { return try self.readNumber() }
        let word = self.wordEnd(from: start + 1)
        if word > start + 1, String(String.UnicodeScalarView(self.scalars[(start + 1)..<word])) == "INF" {
            self.index = word
            return FilterToken(kind: .literal(.double(-.infinity)), position: start, text: "-INF")
        }
        throw .invalidFilter("unexpected '-' (arithmetic is not supported)", at: start)
    }

    private func wordEnd(from position: Int) -> Int {
        var end = position
        while end < self.scalars.count, Self.isIdentifierContinuation(self.scalars[end]) { end += 1 }
        return end
    }

    /// Reads `-?digits(.digits)?([eE][+-]?digits)?` with an optional `L`: Int32 without
    /// fraction, exponent or suffix, Int64 with `L`, Double otherwise.
    private mutating func readNumber() throws(StorageError) -> FilterToken {
        let start = self.index
        if self.scalars[self.index] == "-" { self.index += 1 }
        while self.isASCIIDigit(at: self.index) { self.index += 1 }
        var isWhole = true
        if self.index < self.scalars.count, self.scalars[self.index] == "." {
            self.index += 1
            guard self.isASCIIDigit(at: self.index) else {
                throw .invalidFilter("a digit must follow the decimal point", at: self.index)
            }
            while self.isASCIIDigit(at: self.index) { self.index += 1 }
            isWhole = false
        }
        if self.index < self.scalars.count, self.scalars[self.index] == "e" || self.scalars[self.index] == "E" {
            self.index += 1
            if self.index < self.scalars.count, self.scalars[self.index] == "+" || self.scalars[self.index] == "-" {
                self.index += 1
            }
            guard self.isASCIIDigit(at: self.index) else {
                throw .invalidFilter("a digit must follow the exponent marker", at: self.index)
            }
            while self.isASCIIDigit(at: self.index) { self.index += 1 }
            isWhole = false
        }
        let digits = self.text(from: start)
        let shown = FilterToken.abbreviated(digits)
        var isInt64 = false
        if self.index < self.scalars.count, self.scalars[self.index] == "L" || self.scalars[self.index] == "l" {
            guard isWhole else {
                throw .invalidFilter(
                    "an Int64 literal (suffix L) must be a whole number: '\(shown)L'",
                    at: start)
            }
            isInt64 = true
            self.index += 1
        }
        if self.index < self.scalars.count, Self.isIdentifierContinuation(self.scalars[self.index]) {
            throw .invalidFilter(
                "unexpected '\(self.scalars[self.index].escaped(asASCII: true))' after the number '\(shown)'",
                at: self.index)
        }
        let text = self.text(from: start)
        let value: EdmValue
        if isInt64 {
            guard let number = Int64(digits) else {
                throw .invalidFilter("the Int64 literal '\(shown)L' is out of range", at: start)
            }
            value = .int64(number)
        } else if isWhole {
            // OData v3 reads an unsuffixed whole number as Edm.Int32 and rejects one that does
            // not fit; it is not widened to Int64 (WCF Data Services' XmlConvert.ToInt32).
            guard let number = Int32(digits) else {
                throw .invalidFilter(
                    "the Int32 literal '\(shown)' is out of range (an Int64 needs the suffix L)",
                    at: start)
            }
            value = .int32(number)
        } else {
            guard let number = Double(digits), number.isFinite else {
                throw .invalidFilter("the Double literal '\(shown)' is out of range", at: start)
            }
            value = .double(number)
        }
        return FilterToken(kind: .literal(value), position: start, text: text)
    }

    /// Reads a keyword, a property name, or a typed literal such as `guid'…'`.
    private mutating func readWord() throws(StorageError) -> FilterToken {
        let start = self.index
        self.index = self.wordEnd(from: start)
        let word = self.text(from: start)
        let lowercased = word.lowercased()
        if self.index < self.scalars.count, self.scalars[self.index] == "'" {
            return try self.readTypedLiteral(prefix: lowercased, start: start)
        }
        let kind: FilterToken.Kind
        switch lowercased {
        case "and": kind = .and
        case "or": kind = .or
        case "not": kind = .not
        case "true": kind = .literal(.boolean(true))
        case "false": kind = .literal(.boolean(false))
        case "null":
            throw .invalidFilter("null literals are not supported (Azure has no null property values)", at: start)
        default:
            if let comparisonOperator = FilterComparisonOperator(rawValue: lowercased) {
                kind = .comparisonOperator(comparisonOperator)
            } else if word == "NaN" {
                kind = .literal(.double(.nan))
            } else if word == "INF" {
                kind = .literal(.double(.infinity))
            } else {
                kind = .identifier(word)
            }
        }
        return FilterToken(kind: kind, position: start, text: word)
    }

    private mutating func readTypedLiteral(prefix: String, start: Int) throws(StorageError) -> FilterToken {
        let contentStart = self.index + 1
        let content = try self.readQuoted(escapingDoubledQuotes: false)
        let text = self.text(from: start)
        let value: EdmValue
        switch prefix {
        case "datetime":
            guard let timestamp = FilterLiteral.parseDateTime(content) else {
                throw .invalidFilter(
                    "\(FilterToken.abbreviated(text)) is not a UTC date-time such as datetime'2008-07-10T00:00:00Z' "
                        + "(at most seven fractional digits)", at: contentStart)
            }
            value = .dateTime(timestamp)
        case "guid":
            guard let guid = EdmValue.canonicalGUID(content) else {
                throw .invalidFilter(
                    "\(FilterToken.abbreviated(text)) is not a GUID such as guid'c9da6455-213d-42c9-9a79-3e9149a57833'",
                    at: contentStart)
            }
            value = .guid(guid)
        case "binary", "x":
            guard let bytes = FilterLiteral.parseHexadecimal(content) else {
                throw .invalidFilter(
                    "\(FilterToken.abbreviated(text)) is not an even number of hexadecimal digits", at: contentStart)
            }
            value = .binary(bytes)
        default:
            throw .invalidFilter(
                "unknown literal prefix '\(FilterToken.abbreviated(text))' (expected datetime, guid, binary or X)",
                at: start)
        }
        return FilterToken(kind: .literal(value), position: start, text: text)
    }
}
