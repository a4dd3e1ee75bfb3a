//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore
import Testing

private let account = "devstoreaccount1"
private let primaryKey = StorageAccountKey(bytes: Array(0..<64))
private let secondaryKey = StorageAccountKey(bytes: Array((0..<64).map { 200 &- $0 }))
private let verifier = SASVerifier(accountName: account, keys: [primaryKey, secondaryKey])

private func time(_ text: String) -> PreciseTimestamp {
    guard let timestamp = PreciseTimestamp(iso8601: text) else { preconditionFailure("bad time \(text)") }
    return timestamp
}

private let start = time("2021-09-21T00:00:00Z")
private let expiry = time("2021-09-22T00:00:00Z")
private let midday = time("2021-09-21T12:00:00Z")

private func ticks(_ timestamp: PreciseTimestamp, _ offset: Int64) -> PreciseTimestamp {
    PreciseTimestamp(ticksSinceEpoch: timestamp.ticksSinceEpoch + offset)
}

private func tableSAS(
    _ values: TableSASValues, key: StorageAccountKey = primaryKey
) -> SharedAccessSignature {
    values.sharedAccessSignature(accountName: account, key: key)
}

private func tableRequest(
    _ requirement: SASAccessRequirement = .queryEntities, table: String? = "orders", partitionKey: String? = nil,
    rowKey: String? = nil, address: String? = "10.0.0.1", https: Bool = true, now: PreciseTimestamp = midday
) -> SASRequest {
    SASRequest(
        service: .table, requirement: requirement, tableName: table, partitionKey: partitionKey, rowKey: rowKey,
        clientAddress: address, isHTTPS: https, now: now)
}

private func queueRequest(
    _ requirement: SASAccessRequirement = .peekMessages, queue: String? = "jobs", now: PreciseTimestamp = midday
) -> SASRequest {
    SASRequest(
        service: .queue, requirement: requirement, queueName: queue, clientAddress: "10.0.0.1", isHTTPS: true,
        now: now)
}

private func fullTableValues() -> TableSASValues {
    TableSASValues(tableName: "Orders", permissions: .all, expiry: expiry, start: start)
}

private func accountValues(
    services: AccountSASServices = [.table, .queue],
    resourceTypes: AccountSASResourceTypes = [.service, .container, .object],
    permissions: AccountSASPermissions = [.read, .write, .delete, .list, .add, .create, .update, .process]
) -> AccountSASValues {
    AccountSASValues(
        services: services, resourceTypes: resourceTypes, permissions: permissions, expiry: expiry, start: start)
}

private func code(_ result: SASVerificationResult) -> StorageErrorCode? {
    result.error?.code
}

private func detail(_ result: SASVerificationResult) -> String {
    if case .denied(_, let detail) = result { return detail }
    return ""
}

@Suite("SAS verification: signatures and keys")
struct SASSignatureTests {
    @Test("a SAS signed with either account key is accepted; with another key it is AuthenticationFailed")
    func eitherKey() {
        #expect(verifier.verify(tableSAS(fullTableValues()), for: tableRequest()).isAuthorized)
        #expect(verifier.verify(tableSAS(fullTableValues(), key: secondaryKey), for: tableRequest()).isAuthorized)
        let forged = tableSAS(fullTableValues(), key: StorageAccountKey(bytes: [1, 2, 3]))
        let result = verifier.verify(forged, for: tableRequest())
        #expect(code(result) == .authenticationFailed)
        #expect(result.error?.status == 403)
        #expect(detail(result).hasPrefix("Signature did not match. String to sign used was raud\n"))
        #expect(!detail(result).contains(forged.signature))
    }

    @Test("a verifier without keys accepts nothing")
    func noKeys() {
        let result = SASVerifier(accountName: account, keys: []).verify(
            tableSAS(fullTableValues()), for: tableRequest())
        #expect(code(result) == .authenticationFailed)
    }

    @Test("a signature for another account does not verify")
    func otherAccount() {
        let sas = fullTableValues().sharedAccessSignature(accountName: "acct2", key: primaryKey)
        #expect(code(verifier.verify(sas, for: tableRequest())) == .authenticationFailed)
    }

    @Test("a signature that is not 32 bytes of base64 is refused before any HMAC")
    func malformedSignature() {
        for bad in ["", "not base64!", "AAAA", String(repeating: "A", count: 44)] {
            var sas = tableSAS(fullTableValues())
            sas.signature = bad
            #expect(code(verifier.verify(sas, for: tableRequest())) == .authenticationFailed, "\(bad)")
        }
    }
}

@Suite("SAS verification: validity period")
struct SASTimeTests {
    @Test("valid from the start inclusive to the expiry exclusive")
    func boundaries() {
        let sas = tableSAS(fullTableValues())
        #expect(verifier.verify(sas, for: tableRequest(now: start)).isAuthorized)
        #expect(verifier.verify(sas, for: tableRequest(now: ticks(expiry, -1))).isAuthorized)
        for now in [ticks(start, -1), expiry, ticks(expiry, 1)] {
            let result = verifier.verify(sas, for: tableRequest(now: now))
            #expect(code(result) == .authenticationFailed, "\(now)")
            #expect(detail(result).hasPrefix("Signature not valid in the specified time frame: Start ["))
        }
    }

    @Test("without a start, valid until the expiry")
    func noStart() {
        let sas = tableSAS(TableSASValues(tableName: "orders", permissions: .read, expiry: expiry))
        #expect(verifier.verify(sas, for: tableRequest(now: time("2000-01-01T00:00:00Z"))).isAuthorized)
        #expect(code(verifier.verify(sas, for: tableRequest(now: expiry))) == .authenticationFailed)
    }

    @Test("an expiry not after the start is refused whatever the time")
    func expiryBeforeStart() {
        let sas = tableSAS(TableSASValues(tableName: "orders", permissions: .read, expiry: start, start: expiry))
        let result = verifier.verify(sas, for: tableRequest())
        #expect(code(result) == .authenticationFailed)
        #expect(detail(result).contains("has to be after signed start time"))
    }

    @Test("times in every form Azure accepts are read; others are malformed")
    func timeForms() throws {
        let forms = [
            "2021-09-22T00:00:00Z", "2021-09-22T00:00:00.0000000Z", "2021-09-22T00:00:00.5Z", "2021-09-22T00:00Z",
            "2021-09-22",
        ]
        for form in forms {
            var sas = SharedAccessSignature(signature: "")
            sas.expiry = form
            let expected = form.contains(".5") ? ticks(expiry, PreciseTimestamp.ticksPerSecond / 2) : expiry
            #expect(sas.expiryTime == expected, "\(form)")
        }
        var sas = tableSAS(fullTableValues())
        sas.expiry = "22/09/2021"
        #expect(sas.expiryTime == nil)
        #expect(code(verifier.verify(sas, for: tableRequest())) == .authenticationFailed)
    }

    @Test("client times drop fractions of a second, as the Python SDK does")
    func clientTimes() {
        let values = TableSASValues(
            tableName: "t", permissions: .read, expiry: time("2031-12-31T23:59:59.9999999Z"))
        #expect(values.queryString(accountName: account, key: primaryKey).hasPrefix("se=2031-12-31T23%3A59%3A59Z&"))
    }
}

@Suite("SAS verification: network")
struct SASNetworkTests {
    @Test("an https-only SAS over plain HTTP is AuthorizationProtocolMismatch")
    func httpsOnly() {
        var values = fullTableValues()
        values.protocols = .httpsOnly
        let sas = tableSAS(values)
        #expect(verifier.verify(sas, for: tableRequest(https: true)).isAuthorized)
        let result = verifier.verify(sas, for: tableRequest(https: false))
        #expect(code(result) == .authorizationProtocolMismatch)
        #expect(
            result.error?.message == "This request is not authorized to perform this operation using this protocol.")
        values.protocols = .httpsAndHTTP
        #expect(verifier.verify(tableSAS(values), for: tableRequest(https: false)).isAuthorized)
    }

    @Test("an address range admits its bounds and nothing outside")
    func addressRange() throws {
        var values = fullTableValues()
        values.ipRange = SASIPRange("168.1.5.60-168.1.5.70")
        #expect(values.ipRange != nil)
        let sas = tableSAS(values)
        for inside in ["168.1.5.60", "168.1.5.65", "168.1.5.70", "::ffff:168.1.5.61"] {
            #expect(verifier.verify(sas, for: tableRequest(address: inside)).isAuthorized, "\(inside)")
        }
        for outside in ["168.1.5.59", "168.1.5.71", "10.0.0.1", "::1", "fe80::1", "", "168.1.5"] {
            let result = verifier.verify(sas, for: tableRequest(address: outside))
            #expect(code(result) == .authorizationSourceIPMismatch, "\(outside)")
        }
        let unknown = verifier.verify(sas, for: tableRequest(address: nil))
        #expect(code(unknown) == .authorizationSourceIPMismatch)
        let named = verifier.verify(sas, for: tableRequest(address: "10.9.8.7"))
        #expect(
            named.error?.message
                == "This request is not authorized to perform this operation using this source IP 10.9.8.7.")
    }

    @Test("a single address admits only itself")
    func singleAddress() throws {
        var values = fullTableValues()
        values.ipRange = SASIPRange(address: "127.0.0.1")
        #expect(values.ipRange != nil)
        let sas = tableSAS(values)
        #expect(sas.ipRange == "127.0.0.1")
        #expect(verifier.verify(sas, for: tableRequest(address: "127.0.0.1")).isAuthorized)
        #expect(code(verifier.verify(sas, for: tableRequest(address: "127.0.0.2"))) == .authorizationSourceIPMismatch)
    }

    @Test("IP ranges parse and print as Azure writes them")
    func ipRangeText() {
        #expect(SASIPRange("1.2.3.4")?.description == "1.2.3.4")
        #expect(SASIPRange("1.2.3.4-1.2.3.4")?.description == "1.2.3.4-1.2.3.4")
        #expect(SASIPRange("0.0.0.0-255.255.255.255")?.contains(address: "8.8.8.8") == true)
        for bad in [
            "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4-1.2.3.3", "1.2.3.4-5.6.7.8-9.9.9.9", "a.b.c.d",
            "01234.1.1.1",
        ] {
            #expect(SASIPRange(bad) == nil, "\(bad)")
        }
    }

    @Test("a malformed sip or spr is AuthenticationFailed, even when signed")
    func malformedNetworkFields() {
        for (name, value) in [("sip", "1.2.3"), ("spr", "http"), ("sip", ""), ("spr", "ftp")] {
            var sas = SharedAccessSignature(signature: "")
            sas.permissions = "r"
            sas.expiry = "2021-09-22T00:00:00Z"
            sas.version = "2019-02-02"
            sas.tableName = "orders"
            if name == "sip" { sas.ipRange = value } else { sas.protocols = value }
            sas.signature = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
            let result = verifier.verify(sas, for: tableRequest())
            #expect(code(result) == .authenticationFailed, "\(name)=\(value)")
            // Refused by the field check, before the (wrong) signature is even computed.
            #expect(
                ["Signature fields not well formed.", "\(name) is optional but cannot be empty"].contains(
                    detail(result)))
        }
    }
}

@Suite("SAS verification: table service SAS")
struct TableSASVerificationTests {
    @Test("a permission the SAS lacks is AuthorizationPermissionMismatch")
    func missingPermission() {
        let sas = tableSAS(TableSASValues(tableName: "orders", permissions: .read, expiry: expiry))
        #expect(verifier.verify(sas, for: tableRequest(.queryEntities)).isAuthorized)
        for requirement in [SASAccessRequirement.insertEntity, .updateEntity, .deleteEntity, .upsertEntity] {
            let result = verifier.verify(sas, for: tableRequest(requirement, partitionKey: "p", rowKey: "r"))
            #expect(code(result) == .authorizationPermissionMismatch)
            #expect(
                result.error?.message
                    == "This request is not authorized to perform this operation using this permission.")
        }
    }

    @Test("upsert needs both add and update")
    func upsert() {
        let addOnly = tableSAS(TableSASValues(tableName: "orders", permissions: .add, expiry: expiry))
        let both = tableSAS(TableSASValues(tableName: "orders", permissions: [.add, .update], expiry: expiry))
        let request = tableRequest(.upsertEntity, partitionKey: "p", rowKey: "r")
        #expect(code(verifier.verify(addOnly, for: request)) == .authorizationPermissionMismatch)
        #expect(verifier.verify(both, for: request).isAuthorized)
    }

    @Test("a SAS for another table is AuthorizationFailure; table names ignore case")
    func otherTable() {
        let sas = tableSAS(fullTableValues())
        #expect(verifier.verify(sas, for: tableRequest(table: "ORDERS")).isAuthorized)
        #expect(verifier.verify(sas, for: tableRequest(table: "orders")).isAuthorized)
        let result = verifier.verify(sas, for: tableRequest(table: "invoices"))
        #expect(code(result) == .authorizationFailure)
        #expect(result.error?.message == "This request is not authorized to perform this operation.")
    }

    @Test("a table SAS cannot run table-level or service-level operations")
    func notEntityOperation() {
        let sas = tableSAS(fullTableValues())
        for requirement in [
            SASAccessRequirement.queryTables, .createTable, .deleteTable, .tableAccessPolicy,
            .getTableServiceProperties,
        ] {
            #expect(code(verifier.verify(sas, for: tableRequest(requirement))) == .authorizationFailure)
        }
        #expect(code(verifier.verify(sas, for: tableRequest(table: nil))) == .authorizationFailure)
    }

    @Test("the signed resource is the lower-cased table name, the tn value is kept as written")
    func lowerCasedResource() {
        let values = fullTableValues()
        #expect(values.stringToSign(accountName: account).contains("\n/table/devstoreaccount1/orders\n"))
        #expect(values.queryString(accountName: account, key: primaryKey).contains("&tn=Orders&"))
    }

    @Test("tn is mandatory, and srk and erk need their partition keys")
    func tableFields() {
        var noTable = tableSAS(fullTableValues())
        noTable.tableName = nil
        #expect(code(verifier.verify(noTable, for: tableRequest())) == .authenticationFailed)
        let rowWithoutPartition = tableSAS(
            TableSASValues(tableName: "orders", permissions: .read, expiry: expiry, startRowKey: "r"))
        let result = verifier.verify(rowWithoutPartition, for: tableRequest())
        #expect(code(result) == .authenticationFailed)
        #expect(detail(result) == "srk is required when spk is provided.")
        let endRowAlone = tableSAS(
            TableSASValues(tableName: "orders", permissions: .read, expiry: expiry, endRowKey: "r"))
        #expect(detail(verifier.verify(endRowAlone, for: tableRequest())) == "erk is required when epk is provided.")
    }

    @Test("permissions out of order, repeated or unknown are malformed")
    func permissionOrder() {
        for bad in ["dr", "rr", "rw", "x", "ar"] {
            var sas = tableSAS(fullTableValues())
            sas.permissions = bad
            #expect(code(verifier.verify(sas, for: tableRequest())) == .authenticationFailed, "\(bad)")
            #expect(TableSASPermissions(bad) == nil)
        }
        #expect(TableSASPermissions("rd") == [.read, .delete])
        #expect(TableSASPermissions("raud")?.description == "raud")
        #expect(QueueSASPermissions("raup") == .all)
        #expect(QueueSASPermissions("pr") == nil)
        #expect(AccountSASPermissions("pr") == [.process, .read])
        #expect(AccountSASPermissions("rr") == nil)
        #expect(AccountSASPermissions("rwdlacupiytfx")?.description == "rwdxylacupfti")
    }
}

@Suite("SAS verification: table key ranges")
struct TableKeyRangeTests {
    private func result(_ range: TableSASKeyRange, _ partitionKey: String, _ rowKey: String) -> SASVerificationResult {
        let values = TableSASValues(
            tableName: "orders", permissions: .all, expiry: expiry, startPartitionKey: range.startPartitionKey,
            startRowKey: range.startRowKey, endPartitionKey: range.endPartitionKey, endRowKey: range.endRowKey)
        let request = tableRequest(.updateEntity, partitionKey: partitionKey, rowKey: rowKey)
        return verifier.verify(tableSAS(values), for: request)
    }

    @Test("both ends are inclusive on the (PartitionKey, RowKey) pair")
    func fullRange() {
        let range = TableSASKeyRange(startPartitionKey: "b", startRowKey: "2", endPartitionKey: "d", endRowKey: "7")
        for (partitionKey, rowKey) in [("b", "2"), ("b", "9"), ("c", ""), ("c", "zzz"), ("d", "0"), ("d", "7")] {
            #expect(self.result(range, partitionKey, rowKey).isAuthorized, "(\(partitionKey), \(rowKey))")
            #expect(range.contains(partitionKey: partitionKey, rowKey: rowKey))
        }
        for (partitionKey, rowKey) in [("b", "1"), ("a", "9"), ("d", "8"), ("e", ""), ("", ""), ("b", "19")] {
            let verdict = self.result(range, partitionKey, rowKey)
            #expect(code(verdict) == .authorizationFailure, "(\(partitionKey), \(rowKey))")
            #expect(detail(verdict) == "Signed access insufficient permission as keys are out of bounds")
        }
    }

    @Test("missing ends are open")
    func openEnds() {
        let startOnly = TableSASKeyRange(startPartitionKey: "m", startRowKey: "5")
        #expect(self.result(startOnly, "m", "5").isAuthorized)
        #expect(self.result(startOnly, "zzzz", "").isAuthorized)
        #expect(code(self.result(startOnly, "m", "4")) == .authorizationFailure)
        #expect(code(self.result(startOnly, "l", "9")) == .authorizationFailure)
        let endOnly = TableSASKeyRange(endPartitionKey: "m", endRowKey: "5")
        #expect(self.result(endOnly, "", "").isAuthorized)
        #expect(self.result(endOnly, "m", "5").isAuthorized)
        #expect(code(self.result(endOnly, "m", "6")) == .authorizationFailure)
        #expect(code(self.result(endOnly, "n", "")) == .authorizationFailure)
    }

    @Test("a partition-only range admits every row of its partitions")
    func partitionOnly() {
        let range = TableSASKeyRange(startPartitionKey: "2021-01", endPartitionKey: "2021-12")
        #expect(self.result(range, "2021-01", "").isAuthorized)
        #expect(self.result(range, "2021-12", "\u{10FFFF}").isAuthorized)
        #expect(code(self.result(range, "2020-12", "z")) == .authorizationFailure)
        #expect(code(self.result(range, "2022-01", "")) == .authorizationFailure)
    }

    @Test("keys compare by UTF-16 code unit, not by locale or case")
    func ordinalComparison() {
        let range = TableSASKeyRange(startPartitionKey: "a", endPartitionKey: "b")
        #expect(!range.contains(partitionKey: "B", rowKey: ""))
        #expect(!range.contains(partitionKey: "ä", rowKey: ""))
        #expect(range.contains(partitionKey: "a\u{FFFF}", rowKey: ""))
    }

    @Test("a query is authorized as a whole and the grant carries the range for filtering")
    func queryGrant() {
        let values = TableSASValues(
            tableName: "orders", permissions: .read, expiry: expiry, startPartitionKey: "p1", endPartitionKey: "p1")
        guard case .authorized(let grant) = verifier.verify(tableSAS(values), for: tableRequest(.queryEntities)) else {
            Issue.record("query denied")
            return
        }
        #expect(grant.kind == .table)
        #expect(grant.expiry == expiry)
        #expect(grant.keyRange == TableSASKeyRange(startPartitionKey: "p1", endPartitionKey: "p1"))
        let unbounded = verifier.verify(tableSAS(fullTableValues()), for: tableRequest())
        #expect(unbounded == .authorized(SASGrant(kind: .table, expiry: expiry)))
    }
}

@Suite("SAS verification: account SAS")
struct AccountSASVerificationTests {
    private func request(
        _ service: StorageService, _ requirement: SASAccessRequirement
    ) -> SASRequest {
        SASRequest(
            service: service, requirement: requirement, tableName: "orders", queueName: "jobs", partitionKey: "p",
            rowKey: "r", clientAddress: "10.0.0.1", isHTTPS: true, now: midday)
    }

    @Test("an account SAS covers every listed operation")
    func covers() {
        let sas = accountValues().sharedAccessSignature(accountName: account, key: primaryKey)
        let requirements: [(StorageService, SASAccessRequirement)] = [
            (.table, .queryEntities), (.table, .insertEntity), (.table, .upsertEntity), (.table, .createTable),
            (.table, .queryTables), (.table, .setTableServiceProperties), (.queue, .listQueues), (.queue, .putMessage),
            (.queue, .getMessages), (.queue, .clearMessages), (.queue, .setQueueMetadata),
        ]
        for (service, requirement) in requirements {
            let result = verifier.verify(sas, for: self.request(service, requirement))
            #expect(result == .authorized(SASGrant(kind: .account, expiry: expiry)), "\(service) \(requirement)")
        }
    }

    @Test("an account SAS without the request's service is AuthorizationServiceMismatch")
    func serviceMismatch() {
        let sas = accountValues(services: [.queue, .blob]).sharedAccessSignature(accountName: account, key: primaryKey)
        let result = verifier.verify(sas, for: self.request(.table, .queryEntities))
        #expect(code(result) == .authorizationServiceMismatch)
        #expect(result.error?.message == "This request is not authorized to perform this operation using this service.")
        #expect(verifier.verify(sas, for: self.request(.queue, .peekMessages)).isAuthorized)
    }

    @Test("an account SAS without the operation's resource type is AuthorizationResourceTypeMismatch")
    func resourceTypeMismatch() {
        let sas = accountValues(resourceTypes: .object).sharedAccessSignature(accountName: account, key: primaryKey)
        for requirement in [SASAccessRequirement.createTable, .queryTables, .getTableServiceProperties] {
            let result = verifier.verify(sas, for: self.request(.table, requirement))
            #expect(code(result) == .authorizationResourceTypeMismatch)
        }
        #expect(verifier.verify(sas, for: self.request(.table, .deleteEntity)).isAuthorized)
    }

    @Test("an account SAS lacking the permission is AuthorizationPermissionMismatch")
    func permissionMismatch() {
        let sas = accountValues(permissions: [.read, .add]).sharedAccessSignature(accountName: account, key: primaryKey)
        #expect(verifier.verify(sas, for: self.request(.table, .insertEntity)).isAuthorized)
        #expect(verifier.verify(sas, for: self.request(.table, .createTable)).isAuthorized)
        for requirement in [SASAccessRequirement.upsertEntity, .deleteEntity, .updateEntity] {
            #expect(
                code(verifier.verify(sas, for: self.request(.table, requirement))) == .authorizationPermissionMismatch)
        }
    }

    @Test("no SAS may manage access policies: AuthorizationFailure")
    func accessPolicies() {
        let sas = accountValues().sharedAccessSignature(accountName: account, key: primaryKey)
        #expect(code(verifier.verify(sas, for: self.request(.table, .tableAccessPolicy))) == .authorizationFailure)
        #expect(code(verifier.verify(sas, for: self.request(.queue, .queueAccessPolicy))) == .authorizationFailure)
    }

    @Test("the string-to-sign gains the encryption scope line from version 2020-12-06")
    func versionDependentStringToSign() {
        var values = accountValues(services: .table, resourceTypes: .object, permissions: .read)
        values.encryptionScope = "scope1"
        values.version = "2020-10-02"
        #expect(values.stringToSign(accountName: account).hasSuffix("\n2020-10-02\n"))
        #expect(!values.queryString(accountName: account, key: primaryKey).contains("ses="))
        values.version = "2020-12-06"
        #expect(values.stringToSign(accountName: account).hasSuffix("\n2020-12-06\nscope1\n"))
        let sas = values.sharedAccessSignature(accountName: account, key: primaryKey)
        #expect(sas.queryString.contains("&ses=scope1&"))
        #expect(verifier.verify(sas, for: self.request(.table, .queryEntities)).isAuthorized)
        var tampered = sas
        tampered.encryptionScope = "scope2"
        #expect(code(verifier.verify(tampered, for: self.request(.table, .queryEntities))) == .authenticationFailed)
    }

    @Test("account SAS fields are mandatory and well formed")
    func accountFields() {
        let sas = accountValues().sharedAccessSignature(accountName: account, key: primaryKey)
        let edits: [(String, (inout SharedAccessSignature) -> Void)] = [
            ("no ss", { $0.services = nil }), ("bad ss", { $0.services = "tx" }),
            ("bad srt", { $0.resourceTypes = "sox" }), ("repeated sp", { $0.permissions = "rr" }),
            ("no se", { $0.expiry = nil }), ("no sp", { $0.permissions = nil }),
            ("old sv", { $0.version = "2015-02-21" }),
            ("bad sv", { $0.version = "latest" }), ("no sv", { $0.version = nil }), ("empty st", { $0.start = "" }),
        ]
        for (label, edit) in edits {
            var edited = sas
            edit(&edited)
            #expect(
                code(verifier.verify(edited, for: self.request(.table, .queryEntities))) == .authenticationFailed,
                "\(label)")
        }
        var withPolicy = sas
        withPolicy.identifier = "ignored"
        #expect(verifier.verify(withPolicy, for: self.request(.table, .queryEntities)) { _ in nil }.isAuthorized)
    }
}

@Suite("SAS verification: queue service SAS")
struct QueueSASVerificationTests {
    private func sas(_ permissions: QueueSASPermissions?, queue: String = "jobs", identifier: String? = nil)
        -> SharedAccessSignature
    {
        QueueSASValues(
            queueName: queue, permissions: permissions, expiry: permissions == nil ? nil : expiry,
            identifier: identifier
        ).sharedAccessSignature(accountName: account, key: primaryKey)
    }

    @Test("a queue SAS grants its permissions on its queue")
    func grants() {
        let token = self.sas([.read, .process])
        #expect(
            verifier.verify(token, for: queueRequest(.peekMessages))
                == .authorized(SASGrant(kind: .queue, expiry: expiry)))
        #expect(verifier.verify(token, for: queueRequest(.getMessages)).isAuthorized)
        #expect(verifier.verify(token, for: queueRequest(.getQueueMetadata)).isAuthorized)
        #expect(code(verifier.verify(token, for: queueRequest(.putMessage))) == .authorizationPermissionMismatch)
        #expect(code(verifier.verify(token, for: queueRequest(.updateMessage))) == .authorizationPermissionMismatch)
    }

    @Test("a queue SAS used on another queue does not verify: the queue is part of the signature")
    func otherQueue() {
        let result = verifier.verify(self.sas(.all), for: queueRequest(queue: "other"))
        #expect(code(result) == .authenticationFailed)
        #expect(detail(result).contains("/queue/devstoreaccount1/other"))
    }

    @Test("a queue SAS cannot run operations outside its queue's messages and metadata")
    func outsideScope() {
        let token = self.sas(.all)
        for requirement in [SASAccessRequirement.setQueueMetadata, .deleteQueue, .queueAccessPolicy, .createQueue] {
            #expect(code(verifier.verify(token, for: queueRequest(requirement))) == .authorizationFailure)
        }
        let listing = verifier.verify(token, for: queueRequest(.listQueues, queue: nil))
        #expect(code(listing) == .authenticationFailed)
    }

    @Test("the string-to-sign follows the version's format")
    func versions() {
        let values = QueueSASValues(queueName: "jobs", permissions: .read, expiry: expiry, version: "2015-02-21")
        #expect(
            values.stringToSign(accountName: account)
                == "r\n\n2021-09-22T00:00:00Z\n/queue/devstoreaccount1/jobs\n\n2015-02-21")
        let older = QueueSASValues(queueName: "jobs", permissions: .read, expiry: expiry, version: "2013-08-15")
        #expect(
            older.stringToSign(accountName: account)
                == "r\n\n2021-09-22T00:00:00Z\n/devstoreaccount1/jobs\n\n2013-08-15")
        for version in ["2013-08-15", "2015-02-21", "2015-04-05"] {
            let token = QueueSASValues(queueName: "jobs", permissions: .read, expiry: expiry, version: version)
                .sharedAccessSignature(accountName: account, key: primaryKey)
            #expect(verifier.verify(token, for: queueRequest()).isAuthorized, "\(version)")
        }
        let tooOld = QueueSASValues(queueName: "jobs", permissions: .read, expiry: expiry, version: "2011-08-18")
            .sharedAccessSignature(accountName: account, key: primaryKey)
        #expect(code(verifier.verify(tooOld, for: queueRequest())) == .authenticationFailed)
    }
}

@Suite("SAS verification: stored access policies")
struct StoredPolicyTests {
    private let policySAS = TableSASValues(tableName: "orders", identifier: "readers")
        .sharedAccessSignature(accountName: account, key: primaryKey)

    @Test("a policy supplies what the SAS leaves out")
    func supplies() {
        let policy = SASStoredAccessPolicy(start: start, expiry: expiry, permissions: "r")
        var looked: [String] = []
        let result = verifier.verify(self.policySAS, for: tableRequest()) { identifier in
            looked.append(identifier)
            return policy
        }
        #expect(result.isAuthorized)
        #expect(looked == ["readers"])
        let insert = verifier.verify(self.policySAS, for: tableRequest(.insertEntity, partitionKey: "p", rowKey: "r")) {
            _ in
            policy
        }
        #expect(code(insert) == .authorizationPermissionMismatch)
    }

    @Test("a missing policy (revoked) is AuthenticationFailed")
    func missing() {
        let result = verifier.verify(self.policySAS, for: tableRequest()) { _ in nil }
        #expect(code(result) == .authenticationFailed)
        #expect(detail(result) == "SAS identifier cannot be found for specified signed identifier")
    }

    @Test("the policy's validity period applies")
    func policyTimes() {
        let policy = SASStoredAccessPolicy(start: start, expiry: expiry, permissions: "raud")
        #expect(
            code(verifier.verify(self.policySAS, for: tableRequest(now: expiry)) { _ in policy })
                == .authenticationFailed)
        #expect(
            code(verifier.verify(self.policySAS, for: tableRequest(now: ticks(start, -1))) { _ in policy })
                == .authenticationFailed)
    }

    @Test("a field in both the SAS and the policy, or in neither, is AuthenticationFailed")
    func conflicts() {
        let withExpiry = TableSASValues(tableName: "orders", expiry: expiry, identifier: "readers")
            .sharedAccessSignature(accountName: account, key: primaryKey)
        let both = verifier.verify(withExpiry, for: tableRequest()) { _ in
            SASStoredAccessPolicy(expiry: expiry, permissions: "r")
        }
        #expect(code(both) == .authenticationFailed)
        #expect(detail(both) == "Access policy fields can be associated with signature or SAS identifier but not both")
        let noExpiry = verifier.verify(self.policySAS, for: tableRequest()) { _ in
            SASStoredAccessPolicy(permissions: "r")
        }
        #expect(detail(noExpiry) == "Signed expiry must be specified in signature or SAS identifier")
        let noPermission = verifier.verify(self.policySAS, for: tableRequest()) { _ in
            SASStoredAccessPolicy(expiry: expiry, permissions: "")
        }
        #expect(detail(noPermission) == "Signed permission must be specified in signature or SAS identifier")
        let badPermission = verifier.verify(self.policySAS, for: tableRequest()) { _ in
            SASStoredAccessPolicy(expiry: expiry, permissions: "rwx")
        }
        #expect(code(badPermission) == .authenticationFailed)
    }

    @Test("a policy's permission letters are read in any order")
    func policyOrder() {
        let result = verifier.verify(self.policySAS, for: tableRequest(.deleteEntity, partitionKey: "p", rowKey: "r")) {
            _ in
            SASStoredAccessPolicy(expiry: expiry, permissions: "dr")
        }
        #expect(result.isAuthorized)
    }

    @Test("without a policy, a service SAS needs se and sp")
    func mandatoryWithoutPolicy() {
        let noExpiry = tableSAS(TableSASValues(tableName: "orders", permissions: .read))
        #expect(detail(verifier.verify(noExpiry, for: tableRequest())) == "se is mandatory. Cannot be empty")
        let noPermission = tableSAS(TableSASValues(tableName: "orders", expiry: expiry))
        #expect(detail(verifier.verify(noPermission, for: tableRequest())) == "sp is mandatory. Cannot be empty")
    }
}

@Suite("SAS values, parsing and descriptions")
struct SASValuesTests {
    @Test("a signed SAS parses back from its query string unchanged")
    func roundTrip() throws {
        let values = TableSASValues(
            tableName: "Orders", permissions: [.read, .update], expiry: expiry, start: start,
            ipRange: SASIPRange("10.0.0.1-10.0.0.9"), protocols: .httpsOnly, identifier: "p", startPartitionKey: "a b",
            startRowKey: "+/=", endPartitionKey: "ü", endRowKey: "😀")
        let sas = values.sharedAccessSignature(accountName: account, key: primaryKey)
        let parsed = try #require(
            SharedAccessSignature(queryString: values.queryString(accountName: account, key: primaryKey)))
        #expect(parsed == sas)
        #expect(parsed.startTime == start)
        #expect(parsed.expiryTime == expiry)
        #expect(parsed.tablePermissions == [.read, .update])
        #expect(parsed.protocolRequirement == .httpsOnly)
        #expect(parsed.addressRange == SASIPRange("10.0.0.1-10.0.0.9"))
        #expect(!parsed.isAccountSAS)
    }

    @Test("empty optional texts are left out, as the Python SDK does")
    func emptyFieldsOmitted() {
        let values = TableSASValues(
            tableName: "orders", permissions: .read, expiry: expiry, identifier: "", startPartitionKey: "")
        let query = values.queryString(accountName: account, key: primaryKey)
        #expect(!query.contains("si="))
        #expect(!query.contains("spk="))
    }

    @Test("a query without sig is not a SAS; other parameters are ignored")
    func noSignature() {
        #expect(SharedAccessSignature(queryString: "sv=2019-02-02&sp=r") == nil)
        #expect(SharedAccessSignature(queryString: "sig=%zz") == nil)
        let parsed = SharedAccessSignature(queryString: "$filter=x&sig=abc&timeout=30")
        #expect(parsed?.signature == "abc")
        #expect(parsed?.queryString == "sig=abc")
    }

    @Test("descriptions redact the signature and show the other fields")
    func descriptions() {
        let sas = accountValues().sharedAccessSignature(accountName: account, key: primaryKey)
        var dumped = ""
        dump(sas, to: &dumped)
        for text in [sas.description, sas.debugDescription, "\(sas)", dumped, "\([sas])"] {
            #expect(!text.contains(sas.signature))
            #expect(!text.contains(PercentEncoding.encode(sas.signature, allowing: "/")))
        }
        #expect(sas.description.contains("sp=rwdlacup&"))
        #expect(sas.description.hasSuffix("&sig=<redacted>"))
        let result = verifier.verify(sas, for: tableRequest(now: expiry))
        #expect(!"\(result)".contains(sas.signature))
    }

    @Test("protocols parse as Azure accepts them")
    func protocols() {
        #expect(SASProtocol(parsing: "https") == .httpsOnly)
        #expect(SASProtocol(parsing: "https,http") == .httpsAndHTTP)
        #expect(SASProtocol(parsing: "http,https") == .httpsAndHTTP)
        #expect(SASProtocol(parsing: "http") == nil)
        #expect(SASProtocol.httpsOnly.allows(https: true))
        #expect(!SASProtocol.httpsOnly.allows(https: false))
    }

    @Test("services and resource types render in canonical order")
    func accountSets() {
        #expect(AccountSASServices("tfqb")?.description == "bqtf")
        #expect(AccountSASResourceTypes("soc")?.description == "sco")
        #expect(AccountSASResourceTypes("ss") == nil)
        #expect(AccountSASServices("x") == nil)
        #expect(AccountSASServices(.table) == .table)
    }
}
