//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A stored access policy of a table or queue, as its ACL holds it: an id that a SAS names in
/// `si`, with optional start, expiry and permissions.
public struct SignedIdentifier: Sendable, Hashable {
    /// The id, at most 64 characters.
    public var id: String
    /// When the policy starts, as written (ISO 8601).
    public var start: String?
    /// When the policy expires, as written (ISO 8601).
    public var expiry: String?
    /// The permission letters, as written.
    public var permission: String?

    /// Creates a policy.
    public init(id: String, start: String? = nil, expiry: String? = nil, permission: String? = nil) {
        self.id = id
        self.start = start
        self.expiry = expiry
        self.permission = permission
    }

    /// The policy in the form the SAS verifier consults.
    public var storedAccessPolicy: SASStoredAccessPolicy {
        SASStoredAccessPolicy(
            start: self.start.flatMap { PreciseTimestamp(edmDateTime: $0) },
            expiry: self.expiry.flatMap { PreciseTimestamp(edmDateTime: $0) },
            permissions: self.permission)
    }
}

extension SignedIdentifier {
    /// The most policies one table or queue may hold.
    public static let maximumCount = 5

    /// Writes `<SignedIdentifiers>` as Get Table ACL and Get Queue ACL answer it.
    public static func xml(for identifiers: [SignedIdentifier]) -> String {
        var xml = #"<?xml version="1.0" encoding="utf-8"?><SignedIdentifiers>"#
        for identifier in identifiers {
            xml += "<SignedIdentifier><Id>\(XMLText.escape(identifier.id))</Id>"
            guard identifier.start != nil || identifier.expiry != nil || identifier.permission != nil else {
                xml += "</SignedIdentifier>"
                continue
            }
            xml += "<AccessPolicy>"
            if let start = identifier.start { xml += "<Start>\(XMLText.escape(start))</Start>" }
            if let expiry = identifier.expiry { xml += "<Expiry>\(XMLText.escape(expiry))</Expiry>" }
            if let permission = identifier.permission {
                xml += "<Permission>\(XMLText.escape(permission))</Permission>"
            }
            xml += "</AccessPolicy></SignedIdentifier>"
        }
        return xml + "</SignedIdentifiers>"
    }

    /// Reads a Set ACL body: `<SignedIdentifiers>` holding at most five `<SignedIdentifier>`s,
    /// each with an `<Id>` of at most 64 characters and an optional `<AccessPolicy>` whose
    /// `<Start>` and `<Expiry>` must be ISO 8601 dates. An empty body clears the ACL.
    ///
    /// - Throws: 400 `InvalidXmlDocument` for anything else, naming what is wrong.
    public static func parseList(_ body: [UInt8]) throws(StorageError) -> [SignedIdentifier] {
        let text = String(decoding: body, as: UTF8.self)
        var rest = Substring(text)
        if let declarationEnd = rest.range(of: "?>"), rest.hasPrefix("<?xml") {
            rest = rest[declarationEnd.upperBound...]
        }
        rest = Self.trimmed(rest)
        if rest.isEmpty { return [] }
        guard let list = Self.element("SignedIdentifiers", in: rest), Self.trimmed(list.after).isEmpty,
            Self.trimmed(rest[..<list.start]).isEmpty
        else {
            throw Self.invalid("The body must be one <SignedIdentifiers> element.")
        }
        var identifiers: [SignedIdentifier] = []
        var inner = list.content
        while !Self.trimmed(inner).isEmpty {
            guard let item = Self.element("SignedIdentifier", in: inner), Self.trimmed(inner[..<item.start]).isEmpty
            else {
                throw Self.invalid("<SignedIdentifiers> may hold only <SignedIdentifier> elements.")
            }
            identifiers.append(try Self.identifier(from: item.content))
            inner = item.after
        }
        guard identifiers.count <= Self.maximumCount else {
            throw Self.invalid("At most \(Self.maximumCount) signed identifiers are allowed.")
        }
        guard Set(identifiers.map(\.id)).count == identifiers.count else {
            throw Self.invalid("Each signed identifier id may appear only once.")
        }
        return identifiers
    }

    private static func identifier(from content: Substring) throws(StorageError) -> SignedIdentifier {
        guard let id = Self.element("Id", in: content) else {
            throw Self.invalid("Every <SignedIdentifier> needs an <Id>.")
        }
        let idText = XMLText.unescape(String(id.content))
        guard !idText.isEmpty, idText.count <= 64 else {
            throw Self.invalid("A signed identifier id must have 1 to 64 characters.")
        }
        var identifier = SignedIdentifier(id: idText)
        if let policy = Self.element("AccessPolicy", in: content) {
            identifier.start = Self.element("Start", in: policy.content).map { XMLText.unescape(String($0.content)) }
            identifier.expiry = Self.element("Expiry", in: policy.content).map { XMLText.unescape(String($0.content)) }
            identifier.permission = Self.element("Permission", in: policy.content).map {
                XMLText.unescape(String($0.content))
            }
            for date in [identifier.start, identifier.expiry].compactMap({ $0 }) where !date.isEmpty {
                guard PreciseTimestamp(edmDateTime: date) != nil else {
                    throw Self.invalid("'\(date)' is not an ISO 8601 date.")
                }
            }
        }
        return identifier
    }

    private struct Element {
        let start: Substring.Index
        let content: Substring
        let after: Substring
    }

    /// The first `<name>…</name>` (or `<name/>`) element in `text`.
    private static func element(_ name: String, in text: Substring) -> Element? {
        guard let open = text.range(of: "<\(name)") else { return nil }
        guard let tagEnd = text[open.upperBound...].firstIndex(of: ">") else { return nil }
        let between = text[open.upperBound..<tagEnd]
        guard between.isEmpty || between.first == " " || between == "/" else {
            return Self.element(name, in: text[tagEnd...])
        }
        if between == "/" {
            let after = text[text.index(after: tagEnd)...]
            return Element(start: open.lowerBound, content: after[after.startIndex..<after.startIndex], after: after)
        }
        let contentStart = text.index(after: tagEnd)
        guard let close = text[contentStart...].range(of: "</\(name)>") else { return nil }
        return Element(
            start: open.lowerBound, content: text[contentStart..<close.lowerBound], after: text[close.upperBound...])
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }

    private static func invalid(_ detail: String) -> StorageError {
        StorageError(
            status: 400, code: .invalidXmlDocument,
            message: "XML specified is not syntactically valid.\nDetail: \(detail)")
    }
}
