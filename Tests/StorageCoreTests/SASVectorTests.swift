//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore
import Testing

/// One SAS produced by the official Azure SDK for Python, from
/// `emulator/conformance/make_sas_vectors.py`.
private struct SASVector: Decodable, Sendable, CustomTestStringConvertible {
    struct Inputs: Decodable, Sendable {
        let tableName: String?
        let queueName: String?
        let permission: String?
        let services: String?
        let resourceTypes: String?
        let start: String?
        let expiry: String?
        let ip: String?
        let `protocol`: String?
        let policyId: String?
        let startPartitionKey: String?
        let startRowKey: String?
        let endPartitionKey: String?
        let endRowKey: String?
        let version: String
    }

    let name: String
    let kind: String
    let sdk: String
    let account: String
    let key: String
    let inputs: Inputs
    let reproduce: Bool
    let queryString: String
    let stringToSign: String
    let signature: String

    var testDescription: String { self.name }

    func accountKey() throws -> StorageAccountKey {
        try StorageAccountKey(base64: self.key)
    }

    func time(_ text: String?) throws -> PreciseTimestamp? {
        guard let text else { return nil }
        return try required(PreciseTimestamp(iso8601: text), "time \(text)")
    }

    func ipRange() throws -> SASIPRange? {
        guard let text = self.inputs.ip else { return nil }
        return try required(SASIPRange(text), "sip")
    }

    func protocols() throws -> SASProtocol? {
        guard let text = self.inputs.protocol else { return nil }
        return try required(SASProtocol(parsing: text), "spr")
    }

    func tableValues() throws -> TableSASValues {
        TableSASValues(
            tableName: try required(self.inputs.tableName, "tableName"),
            permissions: try self.inputs.permission.map { try required(TableSASPermissions($0), "permission") },
            expiry: try self.time(self.inputs.expiry), start: try self.time(self.inputs.start),
            ipRange: try self.ipRange(), protocols: try self.protocols(), identifier: self.inputs.policyId,
            startPartitionKey: self.inputs.startPartitionKey, startRowKey: self.inputs.startRowKey,
            endPartitionKey: self.inputs.endPartitionKey, endRowKey: self.inputs.endRowKey,
            version: self.inputs.version)
    }

    func queueValues() throws -> QueueSASValues {
        QueueSASValues(
            queueName: try required(self.inputs.queueName, "queueName"),
            permissions: try self.inputs.permission.map { try required(QueueSASPermissions($0), "permission") },
            expiry: try self.time(self.inputs.expiry), start: try self.time(self.inputs.start),
            ipRange: try self.ipRange(), protocols: try self.protocols(), identifier: self.inputs.policyId,
            version: self.inputs.version)
    }

    func accountValues() throws -> AccountSASValues {
        let services = try required(AccountSASServices(try required(self.inputs.services, "ss")), "ss")
        let resourceTypes = try required(
            AccountSASResourceTypes(try required(self.inputs.resourceTypes, "srt")), "srt")
        let permissions = try required(AccountSASPermissions(try required(self.inputs.permission, "sp")), "sp")
        return AccountSASValues(
            services: services, resourceTypes: resourceTypes, permissions: permissions,
            expiry: try required(try self.time(self.inputs.expiry), "se"), start: try self.time(self.inputs.start),
            ipRange: try self.ipRange(), protocols: try self.protocols(), version: self.inputs.version)
    }

    /// What the Swift encoder makes of the same inputs: string-to-sign, signature, query string.
    func reproduced() throws -> (stringToSign: String, signature: String, queryString: String) {
        let key = try self.accountKey()
        switch self.kind {
        case "table":
            let values = try self.tableValues()
            return (
                values.stringToSign(accountName: self.account), values.signature(accountName: self.account, key: key),
                values.queryString(accountName: self.account, key: key)
            )
        case "queue":
            let values = try self.queueValues()
            return (
                values.stringToSign(accountName: self.account), values.signature(accountName: self.account, key: key),
                values.queryString(accountName: self.account, key: key)
            )
        default:
            let values = try self.accountValues()
            return (
                values.stringToSign(accountName: self.account), values.signature(accountName: self.account, key: key),
                values.queryString(accountName: self.account, key: key)
            )
        }
    }

    /// A stored access policy supplying whatever the SAS leaves out.
    var storedPolicy: SASStoredAccessPolicy {
        SASStoredAccessPolicy(
            expiry: self.inputs.expiry == nil ? PreciseTimestamp(iso8601: "2030-01-01T00:00:00Z") : nil,
            permissions: self.inputs.permission == nil ? (self.kind == "queue" ? "raup" : "raud") : nil)
    }

    /// A request the SAS grants: the operation needs exactly the granted permissions, it comes
    /// over HTTPS from inside `sip`, at the start (or just before expiry).
    func grantedRequest() throws -> SASRequest {
        let permissions = self.inputs.permission ?? (self.storedPolicy.permissions ?? "")
        // The token's own times: the SDK dropped any fraction of a second from the inputs.
        let token = try required(SharedAccessSignature(queryString: self.queryString), "token")
        let expiry = try required(token.expiryTime ?? self.storedPolicy.expiry, "expiry")
        let now = token.startTime ?? PreciseTimestamp(ticksSinceEpoch: expiry.ticksSinceEpoch - 1)
        let address = try self.ipRange().map { String($0.description.split(separator: "-")[0]) } ?? "203.0.113.7"
        switch self.kind {
        case "table":
            let requirement = SASAccessRequirement(
                resourceType: .object, accountPermissions: [],
                tablePermissions: try required(TableSASPermissions(permissions), "sp"))
            return SASRequest(
                service: .table, requirement: requirement, tableName: self.inputs.tableName, clientAddress: address,
                isHTTPS: true, now: now)
        case "queue":
            let requirement = SASAccessRequirement(
                resourceType: .object, accountPermissions: [],
                queuePermissions: try required(QueueSASPermissions(permissions), "sp"))
            return SASRequest(
                service: .queue, requirement: requirement, queueName: self.inputs.queueName, clientAddress: address,
                isHTTPS: true, now: now)
        default:
            let services = try required(AccountSASServices(try required(self.inputs.services, "ss")), "ss")
            let service: StorageService =
                services.contains(.table) ? .table : services.contains(.queue) ? .queue : .blob
            let types = try required(AccountSASResourceTypes(try required(self.inputs.resourceTypes, "srt")), "srt")
            let level: AccountSASResourceTypes =
                types.contains(.object) ? .object : types.contains(.container) ? .container : .service
            let requirement = SASAccessRequirement(
                resourceType: level, accountPermissions: [try required(AccountSASPermissions(permissions), "sp")])
            return SASRequest(
                service: service, requirement: requirement, tableName: "anytable", queueName: "anyqueue",
                clientAddress: address, isHTTPS: true, now: now)
        }
    }
}

/// A vector's input that the test needs but cannot read.
private struct MissingInput: Error, CustomStringConvertible {
    let name: String
    var description: String { "the vector lacks a usable \(self.name)" }
}

private func required<Value>(_ value: Value?, _ name: String) throws -> Value {
    guard let value else { throw MissingInput(name: name) }
    return value
}

private struct SASVectorFile: Decodable {
    let vectors: [SASVector]
}

private let sasVectors: [SASVector] = {
    guard let url = Bundle.module.url(forResource: "sas-vectors", withExtension: "json", subdirectory: "Fixtures"),
        let data = try? Data(contentsOf: url),
        let file = try? JSONDecoder().decode(SASVectorFile.self, from: data)
    else { return [] }
    return file.vectors
}()

/// A key no vector was signed with.
private let strangerKey = StorageAccountKey(bytes: Array(repeating: 0x5a, count: 64))

@Suite("SAS vectors from the official Azure SDK for Python")
struct SASVectorTests {
    @Test("the fixture holds at least 20 vectors of every kind from both SDKs")
    func fixtureCoversEverything() {
        #expect(sasVectors.count >= 20)
        for (sdk, kind) in [
            ("azure-data-tables", "table"), ("azure-data-tables", "account"), ("azure-storage-queue", "queue"),
            ("azure-storage-queue", "account"),
        ] {
            #expect(sasVectors.contains { $0.sdk == sdk && $0.kind == kind }, "\(sdk) \(kind)")
        }
        #expect(Set(sasVectors.map(\.inputs.version)).count >= 4)
    }

    @Test(
        "the Swift encoder reproduces the SDK's string-to-sign, signature and query string",
        arguments: sasVectors.filter(\.reproduce))
    fileprivate func encoderMatches(vector: SASVector) throws {
        let reproduced = try vector.reproduced()
        #expect(reproduced.stringToSign == vector.stringToSign)
        #expect(reproduced.signature == vector.signature)
        #expect(reproduced.queryString == vector.queryString)
    }

    @Test("parsing the SDK's token and writing it back gives the same bytes", arguments: sasVectors)
    fileprivate func parseRoundTrips(vector: SASVector) throws {
        let parsed = try #require(SharedAccessSignature(queryString: vector.queryString))
        #expect(parsed.signature == vector.signature)
        #expect(parsed.version == vector.inputs.version)
        #expect(parsed.queryString == vector.queryString)
        #expect(SharedAccessSignature(queryString: "?" + vector.queryString) == parsed)
    }

    @Test("the verifier accepts the SDK's token, under either of two keys", arguments: sasVectors)
    fileprivate func verifierAccepts(vector: SASVector) throws {
        let parsed = try #require(SharedAccessSignature(queryString: vector.queryString))
        let request = try vector.grantedRequest()
        let key = try vector.accountKey()
        for keys in [[key], [strangerKey, key], [key, strangerKey]] {
            let verifier = SASVerifier(accountName: vector.account, keys: keys)
            let result = verifier.verify(parsed, for: request) { _ in vector.storedPolicy }
            #expect(result.isAuthorized, "\(result)")
        }
        let result = SASVerifier(accountName: vector.account, keys: [strangerKey])
            .verify(parsed, for: request) { _ in vector.storedPolicy }
        #expect(result.error?.code == .authenticationFailed)
    }

    @Test("a table token's key range comes back in the grant", arguments: sasVectors.filter { $0.kind == "table" })
    fileprivate func grantCarriesKeyRange(vector: SASVector) throws {
        let parsed = try #require(SharedAccessSignature(queryString: vector.queryString))
        let result = SASVerifier(accountName: vector.account, keys: [try vector.accountKey()])
            .verify(parsed, for: try vector.grantedRequest()) { _ in vector.storedPolicy }
        guard case .authorized(let grant) = result else {
            Issue.record("denied: \(result)")
            return
        }
        #expect(grant.kind == .table)
        let expected = TableSASKeyRange(
            startPartitionKey: vector.inputs.startPartitionKey, startRowKey: vector.inputs.startRowKey,
            endPartitionKey: vector.inputs.endPartitionKey, endRowKey: vector.inputs.endRowKey)
        #expect(grant.keyRange == (expected.isBounded ? expected : nil))
    }

    @Test("changing, adding or dropping any signed field makes the token fail authentication", arguments: sasVectors)
    fileprivate func tamperingFails(vector: SASVector) throws {
        let original = try #require(SharedAccessSignature(queryString: vector.queryString))
        let request = try vector.grantedRequest()
        let verifier = SASVerifier(accountName: vector.account, keys: [try vector.accountKey()])
        var tampered: [(String, SharedAccessSignature)] = []
        let fields: [(String, WritableKeyPath<SharedAccessSignature, String?>)] = [
            ("sv", \.version), ("ss", \.services), ("srt", \.resourceTypes), ("sp", \.permissions), ("st", \.start),
            ("se", \.expiry), ("sip", \.ipRange), ("spr", \.protocols), ("si", \.identifier), ("tn", \.tableName),
            ("spk", \.startPartitionKey), ("srk", \.startRowKey), ("epk", \.endPartitionKey),
            ("erk", \.endRowKey),
        ]
        for (name, path) in fields {
            if let value = original[keyPath: path] {
                var changed = original
                changed[keyPath: path] = Self.tamper(name: name, value: value)
                tampered.append(("changed \(name)", changed))
            }
        }
        // Fields the SDK left out are signed as empty: supplying one breaks the signature.
        for (name, path, value) in [
            ("st", \SharedAccessSignature.start, "2021-09-20T00:00:00Z"), ("sip", \.ipRange, "0.0.0.0-255.255.255.255"),
            ("spr", \.protocols, "https,http"), ("se", \.expiry, "2030-01-01T00:00:00Z"), ("sp", \.permissions, "r"),
        ] where original[keyPath: path] == nil {
            var added = original
            added[keyPath: path] = value
            tampered.append(("added \(name)", added))
        }
        if vector.kind == "table" {
            for (name, path) in fields.suffix(4) where original[keyPath: path] == nil {
                var added = original
                added[keyPath: path] = "k"
                if name == "srk" { added.startPartitionKey = added.startPartitionKey ?? "k" }
                if name == "erk" { added.endPartitionKey = added.endPartitionKey ?? "k" }
                tampered.append(("added \(name)", added))
            }
        }
        #expect(tampered.count >= 6)
        for (label, token) in tampered {
            let result = verifier.verify(token, for: request) { _ in vector.storedPolicy }
            #expect(result.error?.code == .authenticationFailed, "\(label): \(result)")
        }
    }

    @Test("no description of a parsed token contains its signature", arguments: sasVectors)
    fileprivate func descriptionsHideSignature(vector: SASVector) throws {
        let parsed = try #require(SharedAccessSignature(queryString: vector.queryString))
        var dumped = ""
        dump(parsed, to: &dumped)
        let encoded = PercentEncoding.encode(vector.signature, allowing: "/")
        for text in [parsed.description, parsed.debugDescription, String(describing: parsed), "\(parsed)", dumped] {
            #expect(!text.contains(vector.signature))
            #expect(!text.contains(encoded))
            #expect(!text.contains(String(vector.signature.prefix(12))))
        }
        #expect(parsed.description.hasSuffix("sig=<redacted>"))
    }

    /// A different value of the same shape, so the signature check (not the parser) catches it.
    private static func tamper(name: String, value: String) -> String {
        switch name {
        case "st", "se":
            guard let time = PreciseTimestamp(iso8601: value) else { return value + "x" }
            let later = PreciseTimestamp(ticksSinceEpoch: time.ticksSinceEpoch + PreciseTimestamp.ticksPerSecond)
            return later.iso8601(trimmingFractionZeros: true)
        case "sp", "ss", "srt":
            return value.count > 1 ? String(value.dropLast()) : (value == "r" ? "d" : "r")
        case "sip":
            return value == "1.1.1.1" ? "1.1.1.2" : "1.1.1.1"
        case "spr":
            return value == "https" ? "https,http" : "https"
        case "sv":
            return value == "2020-02-10" ? "2020-04-08" : "2020-02-10"
        default:
            return value + "x"
        }
    }
}
