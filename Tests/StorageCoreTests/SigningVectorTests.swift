//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

/// One request signed by the official Azure SDK for Python, from
/// `emulator/conformance/make_signing_vectors.py`.
private struct SigningVector: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let service: String
    let scheme: String
    let origin: String
    let method: String
    let url: String
    let headers: [[String]]
    let account: String
    let key: String
    let stringToSign: String
    let authorization: String

    var testDescription: String { self.name }

    /// The request target (`/path?query`) of the absolute URL, exactly as it goes on the wire.
    var target: String {
        guard let schemeEnd = self.url.range(of: "://"),
            let pathStart = self.url[schemeEnd.upperBound...].firstIndex(of: "/")
        else { return "/" }
        return String(self.url[pathStart...])
    }

    func signableRequest() throws -> SignableRequest {
        let headers = HTTPHeaders(self.headers.map { ($0[0], $0[1]) })
        return try SignableRequest(method: self.method, target: self.target, headers: headers)
    }

    func signer() throws -> SharedKeySigner {
        let service = try #require(StorageService(rawValue: self.service))
        let scheme = try #require(SharedKeyScheme(rawValue: self.scheme))
        return SharedKeySigner(service: service, scheme: scheme)
    }
}

private struct SigningVectorFile: Decodable {
    let vectors: [SigningVector]
}

private let signingVectors: [SigningVector] = {
    guard let url = Bundle.module.url(forResource: "signing-vectors", withExtension: "json", subdirectory: "Fixtures"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(SigningVectorFile.self, from: data)
    else { return [] }
    return file.vectors
}()

@Suite("Signing vectors from the official Azure SDK for Python")
struct SigningVectorTests {
    @Test("the fixture holds at least 20 vectors covering every service and scheme")
    func fixtureCoversEverything() {
        #expect(signingVectors.count >= 20)
        for service in ["table", "queue"] {
            for scheme in ["SharedKey", "SharedKeyLite"] {
                #expect(
                    signingVectors.contains { $0.service == service && $0.scheme == scheme }, "\(service) \(scheme)")
            }
        }
    }

    @Test("the string-to-sign matches the SDK's byte for byte", arguments: signingVectors)
    fileprivate func stringToSignMatches(vector: SigningVector) throws {
        let request = try vector.signableRequest()
        #expect(try vector.signer().stringToSign(for: request, accountName: vector.account) == vector.stringToSign)
    }

    @Test("the Authorization header matches the SDK's byte for byte", arguments: signingVectors)
    fileprivate func authorizationMatches(vector: SigningVector) throws {
        let request = try vector.signableRequest()
        let key = try StorageAccountKey(base64: vector.key)
        let authorization = try vector.signer().authorization(for: request, accountName: vector.account, key: key)
        #expect(authorization.headerValue == vector.authorization)
    }

    @Test("the verifier accepts the SDK's signature and rejects a tampered request", arguments: signingVectors)
    fileprivate func verifierAgrees(vector: SigningVector) throws {
        var request = try vector.signableRequest()
        let key = try StorageAccountKey(base64: vector.key)
        let authorization = try #require(SharedKeyAuthorization(headerValue: vector.authorization))
        let verifier = try vector.signer()
        #expect(verifier.isValid(authorization, for: request, key: key))

        let wrongKey = StorageAccountKey(bytes: Array(repeating: 7, count: 64))
        #expect(!verifier.isValid(authorization, for: request, key: wrongKey))

        request.encodedPath += "x"
        #expect(!verifier.isValid(authorization, for: request, key: key))
    }
}
