//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SharedAccessSignature {
    /// The SAS as a URL query string, without a leading `?`, exactly as the Python SDK writes it.
    ///
    /// Parameters come in the SDK's order (`st se sp sip spr sv ss srt ses si tn spk srk epk erk
    /// sig`, absent ones left out), and values are percent-encoded like Python's
    /// `urllib.parse.quote`: everything but letters, digits, `-._~` and `/` is escaped, so the
    /// `:` of a time becomes `%3A` and the `+` of a signature `%2B`.
    public var queryString: String {
        self.orderedFields.map { $0.name + "=" + PercentEncoding.encode($0.value, allowing: "/") }
            .joined(separator: "&")
    }

    /// The fields present, in the SDK's order, with `sig` last.
    var orderedFields: [(name: String, value: String)] {
        let candidates: [(String, String?)] = [
            ("st", self.start), ("se", self.expiry), ("sp", self.permissions), ("sip", self.ipRange),
            ("spr", self.protocols), ("sv", self.version), ("ss", self.services), ("srt", self.resourceTypes),
            ("ses", self.encryptionScope), ("si", self.identifier), ("tn", self.tableName),
            ("spk", self.startPartitionKey), ("srk", self.startRowKey), ("epk", self.endPartitionKey),
            ("erk", self.endRowKey), ("sig", self.signature),
        ]
        return candidates.compactMap { name, value in value.map { (name, $0) } }
    }
}
