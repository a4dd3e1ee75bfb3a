//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The decoded name–value pairs of a URL query, in order.
///
/// Names compare case-insensitively on look-up, as the storage services treat them; the order
/// and spelling are kept because signing canonicalizes them itself.
public struct QueryParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// One parameter, decoded.
    public struct Parameter: Sendable, Equatable {
        /// The decoded name.
        public var name: String
        /// The decoded value; empty for `name=` and for a bare `name`.
        public var value: String

        /// Creates a parameter.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters in order.
    public private(set) var parameters: [Parameter]

    /// Creates an empty query.
    public init() {
        self.parameters = []
    }

    /// Creates a query from decoded pairs, in order.
    public init(_ pairs: [(String, String)]) {
        self.parameters = pairs.map { Parameter(name: $0.0, value: $0.1) }
    }

    /// Creates a query from a dictionary literal, in the order written.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// Parses a raw, percent-encoded query string (without the leading `?`).
    ///
    /// - Throws: ``QueryParameters/MalformedQueryError`` naming the first part whose
    ///   percent-encoding is broken.
    public init(encodedQuery: String?) throws(MalformedQueryError) {
        self.parameters = []
        guard let encodedQuery, !encodedQuery.isEmpty else { return }
        for part in encodedQuery.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = PercentEncoding.decode(String(pieces[0])),
                let value = PercentEncoding.decode(pieces.count > 1 ? String(pieces[1]) : "")
            else { throw MalformedQueryError(part: String(part)) }
            self.parameters.append(Parameter(name: name, value: value))
        }
    }

    /// The value of the first parameter with this name, compared case-insensitively.
    public subscript(name: String) -> String? {
        let lowered = name.lowercased()
        return self.parameters.first { $0.name.lowercased() == lowered }?.value
    }

    /// Appends a parameter.
    public mutating func append(name: String, value: String) {
        self.parameters.append(Parameter(name: name, value: value))
    }

    /// The query percent-encoded for a URL, without the leading `?`.
    public var encodedQuery: String {
        self.parameters.map {
            PercentEncoding.encode($0.name, allowing: "$") + "=" + PercentEncoding.encode($0.value)
        }.joined(separator: "&")
    }

    /// Whether there are no parameters.
    public var isEmpty: Bool { self.parameters.isEmpty }

    /// A query part whose percent-encoding cannot be decoded.
    public struct MalformedQueryError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The raw part, as it appeared in the URL.
        public let part: String

        /// Names the part, hiding the value of a SAS signature.
        public var description: String {
            let shown = self.part.lowercased().hasPrefix("sig=") ? "sig=<redacted>" : self.part
            return "The query part '\(shown)' is not valid percent-encoding."
        }
    }
}

extension QueryParameters: Sequence {
    /// Iterates over the parameters in order.
    public func makeIterator() -> IndexingIterator<[Parameter]> {
        self.parameters.makeIterator()
    }
}
