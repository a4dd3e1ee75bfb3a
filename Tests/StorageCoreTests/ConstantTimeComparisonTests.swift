//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

/// Signatures are compared with OpenSSL's `CRYPTO_memcmp`, whose time depends only on the
/// length, never on where the first difference is; these tests pin down that it is still an
/// exact comparison.
@Suite("Constant-time signature comparison")
struct ConstantTimeComparisonTests {
    static let code = HMACSHA256.authenticationCode(key: Array("key".utf8), message: Array("message".utf8))

    @Test("equal codes compare equal, empty ones included")
    func equal() {
        #expect(HMACSHA256.constantTimeEquals(Self.code, Self.code))
        #expect(HMACSHA256.constantTimeEquals([], []))
    }

    @Test("a difference in any one byte is found, first, middle or last", arguments: [0, 15, 31])
    func differsInOneByte(index: Int) {
        var forged = Self.code
        forged[index] ^= 0x01
        #expect(!HMACSHA256.constantTimeEquals(Self.code, forged))
    }

    @Test("codes of different lengths differ, a prefix included")
    func differentLengths() {
        #expect(!HMACSHA256.constantTimeEquals(Self.code, Array(Self.code.prefix(31))))
        #expect(!HMACSHA256.constantTimeEquals(Array(Self.code.prefix(16)), Self.code))
    }

    @Test("the SharedKey verifier refuses a signature wrong only in its last byte")
    func verifierUsesWholeSignature() throws {
        let key = StorageAccountKey(bytes: [UInt8](repeating: 7, count: 64))
        let request = try SignableRequest(
            method: "GET", target: "/acct/Tables",
            headers: ["x-ms-date": "Fri, 04 Dec 2026 12:00:00 GMT", "x-ms-version": "2019-02-02"])
        let signer = SharedKeySigner(service: .table, scheme: .sharedKey)
        let signature = signer.signature(for: request, accountName: "acct", key: key)
        var forgedBytes = try #require(Data(base64Encoded: signature))
        forgedBytes[forgedBytes.count - 1] ^= 0x80
        let valid = try #require(SharedKeyAuthorization(headerValue: "SharedKey acct:\(signature)"))
        let forged = try #require(
            SharedKeyAuthorization(headerValue: "SharedKey acct:\(forgedBytes.base64EncodedString())"))
        #expect(signer.isValid(valid, for: request, key: key))
        #expect(!signer.isValid(forged, for: request, key: key))
    }
}
