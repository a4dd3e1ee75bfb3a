//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("HTTP headers")
struct HTTPHeadersTests {
    @Test("looks names up case-insensitively and keeps order and spelling")
    func looksUpCaseInsensitively() {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "x-ms-meta-A": "1"]
        headers.add(name: "X-MS-META-a", value: "2")
        #expect(headers["content-type"] == "application/json")
        #expect(headers.values(for: "x-ms-meta-a") == ["1", "2"])
        #expect(headers.map(\.name) == ["Content-Type", "x-ms-meta-A", "X-MS-META-a"])
        #expect(headers["Content-Typf"] == nil)
    }

    @Test("replaces every field of a name with one")
    func replaces() {
        var headers: HTTPHeaders = ["A": "1", "b": "2", "a": "3"]
        headers.replaceOrAdd(name: "a", value: "4")
        #expect(headers.map(\.value) == ["4", "2"])
        headers.replaceOrAdd(name: "c", value: "5")
        #expect(headers["C"] == "5")
        headers.remove(name: "B")
        #expect(headers.count == 2)
    }

    @Test("hides the Authorization value when printed")
    func redactsAuthorization() {
        let headers: HTTPHeaders = ["Authorization": "SharedKey acct:c2VjcmV0", "x-ms-date": "now"]
        #expect(!headers.description.contains("c2VjcmV0"))
        #expect(headers.description.contains("x-ms-date: now"))
    }
}
