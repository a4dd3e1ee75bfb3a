//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

@Suite("HMAC-SHA256")
struct HMACSHA256Tests {
    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    @Test("matches RFC 4231 test case 2 and the empty-key value, whichever key was used before")
    func knownValues() {
        let jefe = Array("Jefe".utf8)
        let message = Array("what do ya want for nothing?".utf8)
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        let empty = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        // Alternating keys checks that each key's prepared context stays its own.
        for _ in 0..<3 {
            #expect(Self.hex(HMACSHA256.authenticationCode(key: jefe, message: message)) == expected)
            #expect(Self.hex(HMACSHA256.authenticationCode(key: [], message: [])) == empty)
        }
    }

    @Test("many tasks signing with one key at once get the same codes")
    func concurrentUse() async {
        let key = Array("a shared account key".utf8)
        let reference = (0..<64).map { HMACSHA256.authenticationCode(key: key, message: Array("message \($0)".utf8)) }
        let matches = await withTaskGroup(of: Bool.self) { group in
            for task in 0..<8 {
                group.addTask {
                    (0..<64).allSatisfy { index in
                        let message = Array("message \((index + task) % 64)".utf8)
                        return HMACSHA256.authenticationCode(key: key, message: message)
                            == reference[(index + task) % 64]
                    }
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(matches)
    }
}
