//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension EdmValue {
    /// Reads a property value from a request body.
    ///
    /// With an `@odata.type` annotation the JSON must fit that type:
    /// - `Edm.String`: a string. `Edm.Boolean`: `true` or `false`.
    /// - `Edm.Int32`: an integer number in range. `Edm.Int64`: a string of decimal digits with
    ///   an optional `-` (how clients write it), or an integer number, in range.
    /// - `Edm.Double`: a number, a string holding a number, or `"NaN"`, `"Infinity"`,
    ///   `"-Infinity"`. Numbers round to the nearest double; beyond its range they become ±∞,
    ///   as .NET reads them.
    /// - `Edm.DateTime`: an ISO 8601 string (see ``PreciseTimestamp/init(edmDateTime:)``) not
    ///   before 1601-01-01 (OutOfRangeInput).
    /// - `Edm.Guid`: a hyphenated GUID in either case, stored lowercase.
    /// - `Edm.Binary`: padded standard base64.
    ///
    /// Without an annotation: a string is a String, `true`/`false` a Boolean, an integer
    /// lexeme an Int32 when it fits and otherwise an Int64, and a lexeme with a fraction or
    /// exponent a Double. Azure's typing of unannotated integers beyond Int32 is unverified;
    /// Int64 keeps the value exactly, which is what the Python SDK expects when it sends large
    /// ints bare. An integer beyond Int64 is refused rather than rounded into a Double.
    ///
    /// - Parameters:
    ///   - json: The value; never `null` (the caller drops null properties).
    ///   - type: The annotated type, or `nil`.
    /// - Throws: InvalidInput when the value does not fit; OutOfRangeInput for early dates.
    package init(json: JSONValue, type: EdmType?) throws(StorageError) {
        switch (type, json) {
        case (.string, .string(let text)), (nil, .string(let text)):
            self = .string(text)
        case (.boolean, .bool(let flag)), (nil, .bool(let flag)):
            self = .boolean(flag)
        case (nil, .number(let lexeme)):
            if Self.isIntegerLexeme(lexeme) {
                if let value = Int32(lexeme) {
                    self = .int32(value)
                } else if let value = Int64(lexeme) {
                    self = .int64(value)
                } else {
                    throw .invalidInput("The integer \(lexeme) is outside the Edm.Int64 range.")
                }
            } else {
                self = .double(try Self.double(fromLexeme: lexeme))
            }
        case (.int32, .number(let lexeme)):
            guard Self.isIntegerLexeme(lexeme), let value = Int32(lexeme) else {
                throw .invalidInput("'\(lexeme)' is not an Edm.Int32 value.")
            }
            self = .int32(value)
        case (.int64, .number(let lexeme)), (.int64, .string(let lexeme)):
            guard Self.isIntegerLexeme(lexeme), let value = Int64(lexeme) else {
                throw .invalidInput("'\(lexeme)' is not an Edm.Int64 value.")
            }
            self = .int64(value)
        case (.double, .number(let lexeme)):
            self = .double(try Self.double(fromLexeme: lexeme))
        case (.double, .string(let text)):
            switch text {
            case "NaN": self = .double(.nan)
            case "Infinity": self = .double(.infinity)
            case "-Infinity": self = .double(-.infinity)
            default:
                guard Self.isNumberLexeme(text) else { throw .invalidInput("'\(text)' is not an Edm.Double value.") }
                self = .double(try Self.double(fromLexeme: text))
            }
        case (.dateTime, .string(let text)):
            guard let timestamp = PreciseTimestamp(edmDateTime: text) else {
                throw .invalidInput("'\(text)' is not an Edm.DateTime value.")
            }
            guard timestamp >= .earliestTableDateTime else {
                throw .outOfRangeInput("Edm.DateTime values start at 1601-01-01T00:00:00Z.")
            }
            self = .dateTime(timestamp)
        case (.guid, .string(let text)):
            guard let guid = EdmValue.canonicalGUID(text) else {
                throw .invalidInput("'\(text)' is not an Edm.Guid value.")
            }
            self = .guid(guid)
        case (.binary, .string(let text)):
            guard let bytes = Base64.decode(text) else { throw .invalidInput("An Edm.Binary value is not base64.") }
            self = .binary(bytes)
        case (let type?, _):
            throw .invalidInput("The value does not match its declared type \(type.rawValue).")
        case (nil, _):
            throw .invalidInput("Property values must be strings, numbers or booleans.")
        }
    }

    /// The value as a response writes it: Int64 as a decimal string, DateTime as trimmed
    /// ISO 8601, Guid lowercase, Binary as base64, Double as its shortest round-trip number
    /// (whole ones with `.0`) or the string `"NaN"`, `"Infinity"`, `"-Infinity"`.
    package var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int32(let value): .number(String(value))
        case .int64(let value): .string(String(value))
        case .double(let value): .number(value)
        case .boolean(let flag): .bool(flag)
        case .dateTime(let timestamp): .string(timestamp.iso8601(trimmingFractionZeros: true))
        case .guid(let text): .string(text)
        case .binary(let bytes): .string(Base64.encode(bytes))
        }
    }

    /// Whether a minimal-metadata response must annotate the value: its JSON alone would read
    /// back as another type (a string as String, a number as Int32 or Double).
    package var needsTypeAnnotation: Bool {
        switch self {
        case .string, .int32, .boolean: false
        case .double(let value): !value.isFinite
        case .int64, .dateTime, .guid, .binary: true
        }
    }

    /// `-? digits`, the only lexemes read as integers.
    private static func isIntegerLexeme(_ lexeme: String) -> Bool {
        var bytes = Substring(lexeme).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        return !bytes.isEmpty && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Whether `text` is a JSON number, the only numeric text `Edm.Double` strings may hold.
    private static func isNumberLexeme(_ text: String) -> Bool {
        guard let value = try? JSONParser.parse(Array(text.utf8), maximumDepth: 0), case .number = value else {
            return false
        }
        return true
    }

    private static func double(fromLexeme lexeme: String) throws(StorageError) -> Double {
        guard let value = Double(lexeme) else { throw .invalidInput("'\(lexeme)' is not an Edm.Double value.") }
        return value
    }
}
