//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension QueueClient {
    /// The queue's stored access policies (Get Queue ACL).
    public func accessPolicy() async throws -> [QueueSignedIdentifier] {
        let response = try await self.pipeline.send(
            StorageRequest(method: "GET", path: self.queuePath, query: ["comp": "acl"]))
        do {
            return try Self.decodeSignedIdentifiers(response.body)
        } catch {
            throw StorageResponseError(
                status: response.status, message: "SignedIdentifiers: \(error)", requestID: response.requestID)
        }
    }

    /// Replaces the queue's stored access policies (Set Queue ACL); at most 5.
    ///
    /// - Throws: ``StorageCore/StorageError`` 400 `InvalidXmlDocument` for more than 5 policies
    ///   or permission letters outside `raup`.
    public func setAccessPolicy(_ identifiers: [QueueSignedIdentifier]) async throws {
        _ = try await self.pipeline.send(
            StorageRequest(
                method: "PUT", path: self.queuePath, query: ["comp": "acl"],
                headers: ["Content-Type": Self.contentTypeXML], body: Self.encodeSignedIdentifiers(identifiers)))
    }

    /// `<SignedIdentifiers>` as Set Queue ACL takes it; dates in ISO 8601 UTC.
    static func encodeSignedIdentifiers(_ identifiers: [QueueSignedIdentifier]) -> [UInt8] {
        var xml = QueueMessageXML.declaration + "<SignedIdentifiers>"
        for identifier in identifiers {
            xml += "<SignedIdentifier><Id>\(XMLText.escape(identifier.id))</Id><AccessPolicy>"
            if let start = identifier.start {
                xml += "<Start>\(Self.accessPolicyTime.format(start))</Start>"
            }
            if let expiry = identifier.expiry {
                xml += "<Expiry>\(Self.accessPolicyTime.format(expiry))</Expiry>"
            }
            if let permissions = identifier.permissions {
                xml += "<Permission>\(XMLText.escape(permissions))</Permission>"
            }
            xml += "</AccessPolicy></SignedIdentifier>"
        }
        return Array((xml + "</SignedIdentifiers>").utf8)
    }

    /// The policies of a Get Queue ACL answer; an empty body is no policy.
    static func decodeSignedIdentifiers(_ body: [UInt8]) throws -> [QueueSignedIdentifier] {
        guard body.contains(where: { $0 == UInt8(ascii: "<") }) else { return [] }
        let root = try XMLReader.parse(body)
        return root.children("SignedIdentifier").map { element in
            let policy = element.child("AccessPolicy")
            return QueueSignedIdentifier(
                id: element.child("Id")?.text ?? "",
                start: policy?.child("Start").flatMap { Self.parseAccessPolicyTime($0.text) },
                expiry: policy?.child("Expiry").flatMap { Self.parseAccessPolicyTime($0.text) },
                permissions: policy?.child("Permission")?.text)
        }
    }

    /// ISO 8601 in UTC, whole seconds, as the SDKs send.
    private static let accessPolicyTime = Date.ISO8601FormatStyle()

    /// Reads ISO 8601 with or without fractional seconds (Azure answers with seven digits).
    private static func parseAccessPolicyTime(_ text: String) -> Date? {
        if let date = try? Self.accessPolicyTime.parse(text) { return date }
        // Seven fractional digits are more than the format style reads: keep three.
        guard let dot = text.firstIndex(of: "."), text.hasSuffix("Z") else { return nil }
        let fraction = text[text.index(after: dot)..<text.index(before: text.endIndex)].prefix(3)
        return try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(
            String(text[..<dot]) + "." + fraction.padding(toLength: 3, withPad: "0", startingAt: 0) + "Z")
    }
}
