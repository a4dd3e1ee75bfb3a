//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// A shared access signature (SAS) as it travels in a URL query: every field exactly as sent.
///
/// The fields stay text, decoded from the URL but otherwise untouched, because the signature
/// covers them verbatim: `se=2021-01-01T00:00:00Z` and `se=2021-01-01T00:00:00.0000000Z` are the
/// same instant but different signatures. Typed readings (``startTime``, ``tablePermissions``,
/// …) are derived on demand.
///
/// The `sig` value is the credential. It never appears in ``description``, `debugDescription`
/// or reflection; only ``queryString`` (which exists to be sent) contains it.
public struct SharedAccessSignature: Sendable, Hashable {
    /// `sv`: the service version whose rules the signature follows.
    public var version: String?
    /// `ss`: the services an account SAS covers (account SAS only).
    public var services: String?
    /// `srt`: the resource types an account SAS covers (account SAS only).
    public var resourceTypes: String?
    /// `sp`: the granted permissions.
    public var permissions: String?
    /// `st`: when the SAS becomes valid.
    public var start: String?
    /// `se`: when the SAS stops being valid.
    public var expiry: String?
    /// `sip`: the client addresses allowed.
    public var ipRange: String?
    /// `spr`: the protocols allowed.
    public var protocols: String?
    /// `si`: the stored access policy the SAS refers to (service SAS only).
    public var identifier: String?
    /// `tn`: the table a table SAS is for, as the client wrote it.
    public var tableName: String?
    /// `spk`: the first partition key a table SAS reaches.
    public var startPartitionKey: String?
    /// `srk`: the first row key, within the first partition, a table SAS reaches.
    public var startRowKey: String?
    /// `epk`: the last partition key a table SAS reaches.
    public var endPartitionKey: String?
    /// `erk`: the last row key, within the last partition, a table SAS reaches.
    public var endRowKey: String?
    /// `ses`: the encryption scope of an account SAS (signed from version 2020-12-06).
    public var encryptionScope: String?
    /// `sig`: the base64 HMAC-SHA256 signature. Secret.
    public var signature: String

    /// Creates a SAS holding only a signature; set the other fields as needed.
    public init(signature: String) {
        self.signature = signature
    }

    /// Reads a SAS out of decoded query parameters.
    ///
    /// - Returns: `nil` when there is no `sig` parameter: the request does not use a SAS.
    ///   Other parameters are kept even when empty, so the verifier can reject them as Azure
    ///   does; parameters that are not SAS fields are ignored.
    public init?(query: QueryParameters) {
        guard let signature = query["sig"] else { return nil }
        self.signature = signature
        self.version = query["sv"]
        self.services = query["ss"]
        self.resourceTypes = query["srt"]
        self.permissions = query["sp"]
        self.start = query["st"]
        self.expiry = query["se"]
        self.ipRange = query["sip"]
        self.protocols = query["spr"]
        self.identifier = query["si"]
        self.tableName = query["tn"]
        self.startPartitionKey = query["spk"]
        self.startRowKey = query["srk"]
        self.endPartitionKey = query["epk"]
        self.endRowKey = query["erk"]
        self.encryptionScope = query["ses"]
    }

    /// Reads a SAS from its percent-encoded query string, with or without a leading `?`.
    ///
    /// - Returns: `nil` when the encoding is broken or there is no `sig` parameter.
    public init?(queryString: String) {
        let trimmed = queryString.hasPrefix("?") ? String(queryString.dropFirst()) : queryString
        guard let query = try? QueryParameters(encodedQuery: trimmed) else { return nil }
        self.init(query: query)
    }

    /// Whether this is an account SAS: it names services or resource types.
    public var isAccountSAS: Bool {
        self.services != nil || self.resourceTypes != nil
    }
}
