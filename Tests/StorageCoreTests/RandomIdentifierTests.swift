//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

@Suite("Random identifiers")
struct RandomIdentifierTests {
    @Test("a version-4 UUID in lowercase canonical form, which Foundation parses back")
    func canonicalForm() throws {
        let text = RandomIdentifier.uuidString()
        #expect(text.utf8.count == 36)
        #expect(text == text.lowercased())
        let parsed = try #require(UUID(uuidString: text))
        #expect(parsed.uuidString.lowercased() == text)
        let characters = Array(text)
        #expect([characters[8], characters[13], characters[18], characters[23]] == ["-", "-", "-", "-"])
        #expect(characters[14] == "4", "version 4")
        #expect(["8", "9", "a", "b"].contains(characters[19]), "RFC 9562 variant")
    }

    @Test("values do not repeat")
    func distinct() {
        let values = (0..<10_000).map { _ in RandomIdentifier.uuidString() }
        #expect(Set(values).count == values.count)
    }
}
