//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The terms of a SAS a client can sign: table, queue or account.
///
/// Each kind says what it signs and which fields it carries; signing and writing the token are
/// the same for all of them and come from the extension.
public protocol SharedAccessSignatureValues: Sendable, Hashable {
    /// The exact text that is signed for `accountName`.
    func stringToSign(accountName: String) -> String

    /// Every field of the SAS except the signature.
    func unsignedFields() -> SharedAccessSignature
}

extension SharedAccessSignatureValues {
    /// The base64 `sig` value.
    public func signature(accountName: String, key: StorageAccountKey) -> String {
        SharedAccessSignature.sign(self.stringToSign(accountName: accountName), key: key)
    }

    /// The signed SAS, field by field.
    public func sharedAccessSignature(accountName: String, key: StorageAccountKey) -> SharedAccessSignature {
        var signed = self.unsignedFields()
        signed.signature = self.signature(accountName: accountName, key: key)
        return signed
    }

    /// The SAS token to append to a URL, without a leading `?`.
    public func queryString(accountName: String, key: StorageAccountKey) -> String {
        self.sharedAccessSignature(accountName: accountName, key: key).queryString
    }
}
