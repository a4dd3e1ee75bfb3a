//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

extension SharedAccessSignature {
    /// The text an account SAS signs: the account name, then `sp ss srt st se sip spr sv`, each
    /// followed by a newline; from version 2020-12-06 also `ses` and its newline.
    ///
    /// Client and verifier both call this, so they cannot disagree on the format.
    package func accountStringToSign(accountName: String) -> String {
        var fields = [
            accountName, self.permissions, self.services, self.resourceTypes, self.start, self.expiry,
            self.ipRange, self.protocols, self.version,
        ]
        if Self.version(self.version, isAtLeast: "2020-12-06") {
            fields.append(self.encryptionScope)
        }
        return fields.map { ($0 ?? "") + "\n" }.joined()
    }

    /// The text a table service SAS signs, or `nil` without `tn`.
    ///
    /// `sp st se /table/{account}/{tn lower-cased} si sip spr sv spk srk epk erk`, joined by
    /// newlines. Versions before 2015-04-05 have no `sip` and `spr` lines, and before
    /// 2015-02-21 the resource lacks the `/table` prefix.
    package func tableStringToSign(accountName: String) -> String? {
        guard let tableName = self.tableName else { return nil }
        let resource = self.canonicalizedResource(
            service: "table", accountName: accountName, name: tableName.lowercased())
        return
            (self.serviceFields(resource: resource)
            + [self.startPartitionKey, self.startRowKey, self.endPartitionKey, self.endRowKey])
            .map { $0 ?? "" }.joined(separator: "\n")
    }

    /// The text a queue service SAS signs for the queue a request addresses.
    ///
    /// `sp st se /queue/{account}/{queue} si sip spr sv`, joined by newlines, with the same
    /// version rules as tables. The queue comes from the request, not from the SAS, so a SAS
    /// for one queue does not verify against another.
    package func queueStringToSign(accountName: String, queueName: String) -> String {
        let resource = self.canonicalizedResource(service: "queue", accountName: accountName, name: queueName)
        return self.serviceFields(resource: resource).map { $0 ?? "" }.joined(separator: "\n")
    }

    /// The base64 HMAC-SHA256 of `stringToSign` under `key`.
    package static func sign(_ stringToSign: String, key: StorageAccountKey) -> String {
        Data(HMACSHA256.authenticationCode(key: key.bytes, message: Array(stringToSign.utf8))).base64EncodedString()
    }

    /// Whether the `sv` value is `minimum` or later. Versions are dates, so text order is time
    /// order.
    package static func version(_ version: String?, isAtLeast minimum: String) -> Bool {
        guard let version else { return false }
        return version >= minimum
    }

    private func canonicalizedResource(service: String, accountName: String, name: String) -> String {
        let prefix = Self.version(self.version, isAtLeast: "2015-02-21") ? "/" + service : ""
        return prefix + "/" + accountName + "/" + name
    }

    private func serviceFields(resource: String) -> [String?] {
        var fields = [self.permissions, self.start, self.expiry, resource, self.identifier]
        if Self.version(self.version, isAtLeast: "2015-04-05") {
            fields += [self.ipRange, self.protocols]
        }
        fields.append(self.version)
        return fields
    }
}
