//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// Signs and verifies requests with an account's shared key, exactly as Azure Storage defines it.
///
/// The same value serves a client (``authorization(for:accountName:key:)``) and the emulator
/// (``isValid(_:for:key:)``), so a request signed by one always verifies in the other, and both
/// match the official SDKs byte for byte (checked against SDK-generated vectors in the tests).
///
/// The string-to-sign differs by service and scheme:
/// - Table `SharedKey`: method, `Content-MD5`, `Content-Type`, date, canonicalized resource.
///   The date slot holds `x-ms-date` when present, else `Date`.
/// - Table `SharedKeyLite`: date, canonicalized resource.
/// - Blob/Queue `SharedKey`: method, eleven standard headers (`Content-Length` empty when zero),
///   canonicalized `x-ms-*` headers, then the resource with every query parameter.
/// - Blob/Queue `SharedKeyLite`: method, `Content-MD5`, `Content-Type`, `Date`, canonicalized
///   headers, then the resource with only `comp`.
public struct SharedKeySigner: Sendable, Hashable {
    /// The service whose rules apply.
    public var service: StorageService
    /// The scheme to sign with.
    public var scheme: SharedKeyScheme

    /// Creates a signer for one service and scheme.
    public init(service: StorageService, scheme: SharedKeyScheme = .sharedKey) {
        self.service = service
        self.scheme = scheme
    }

    /// The exact text that is signed for `request`.
    ///
    /// - Parameters:
    ///   - request: The request as it goes on the wire.
    ///   - accountName: The signing account, which prefixes the canonicalized resource even when
    ///     the path repeats it (path-style emulator URLs).
    public func stringToSign(for request: SignableRequest, accountName: String) -> String {
        self.stringToSign(for: request, accountName: accountName, tableDate: Self.tableDate(of: request))
    }

    /// The base64 HMAC-SHA256 signature of ``stringToSign(for:accountName:)``.
    public func signature(for request: SignableRequest, accountName: String, key: StorageAccountKey) -> String {
        Self.sign(self.stringToSign(for: request, accountName: accountName), key: key)
    }

    /// The `Authorization` header value for `request`.
    public func authorization(
        for request: SignableRequest, accountName: String, key: StorageAccountKey
    ) -> SharedKeyAuthorization {
        SharedKeyAuthorization(
            scheme: self.scheme, accountName: accountName,
            signature: self.signature(for: request, accountName: accountName, key: key))
    }

    /// Whether `authorization` is a valid signature of `request` under `key`.
    ///
    /// The signer's scheme is ignored in favour of the one in `authorization`. Table requests are
    /// accepted when signed with either `x-ms-date` or `Date` in the date slot, since SDKs
    /// differ in which they use and send both with the same value. Blob/Queue requests are
    /// accepted with the canonicalized headers in the service's collation or in plain byte
    /// order, the two orders clients are known to use. Comparison takes constant time.
    public func isValid(
        _ authorization: SharedKeyAuthorization, for request: SignableRequest, key: StorageAccountKey
    ) -> Bool {
        guard let presented = Data(base64Encoded: authorization.signature).map(Array.init) else { return false }
        let signer = SharedKeySigner(service: self.service, scheme: authorization.scheme)
        var candidates: [String] = []
        switch self.service {
        case .table:
            let dates = [request.headers["x-ms-date"], request.headers["Date"]].compactMap { $0 }
            for date in Set(dates.isEmpty ? [""] : dates) {
                candidates.append(
                    signer.stringToSign(for: request, accountName: authorization.accountName, tableDate: date))
            }
        case .queue, .blob:
            for order in CanonicalHeaderOrder.allCases {
                candidates.append(
                    signer.blobQueueStringToSign(
                        for: request, accountName: authorization.accountName, headerOrder: order))
            }
        }
        var valid = false
        for candidate in Set(candidates) {
            let expected = HMACSHA256.authenticationCode(key: key.bytes, message: Array(candidate.utf8))
            // Every candidate is checked, so timing does not reveal which one matched.
            valid = HMACSHA256.constantTimeEquals(expected, presented) || valid
        }
        return valid
    }

    // MARK: - String-to-sign

    private func stringToSign(for request: SignableRequest, accountName: String, tableDate: String) -> String {
        switch self.service {
        case .table:
            let resource = Self.tableCanonicalizedResource(request, accountName: accountName)
            switch self.scheme {
            case .sharedKey:
                return [
                    request.method,
                    request.headers["Content-MD5"] ?? "",
                    request.headers["Content-Type"] ?? "",
                    tableDate,
                    resource,
                ].joined(separator: "\n")
            case .sharedKeyLite:
                return tableDate + "\n" + resource
            }
        case .queue, .blob:
            return self.blobQueueStringToSign(for: request, accountName: accountName, headerOrder: .serviceCollation)
        }
    }

    private func blobQueueStringToSign(
        for request: SignableRequest, accountName: String, headerOrder: CanonicalHeaderOrder
    ) -> String {
        let headers = request.headers
        let canonicalizedHeaders = Self.canonicalizedHeaders(headers, order: headerOrder)
        switch self.scheme {
        case .sharedKey:
            let contentLength = headers["Content-Length"].map { $0 == "0" ? "" : $0 } ?? ""
            let standard = [
                request.method,
                headers["Content-Encoding"] ?? "",
                headers["Content-Language"] ?? "",
                contentLength,
                headers["Content-MD5"] ?? "",
                headers["Content-Type"] ?? "",
                headers["Date"] ?? "",
                headers["If-Modified-Since"] ?? "",
                headers["If-Match"] ?? "",
                headers["If-None-Match"] ?? "",
                headers["If-Unmodified-Since"] ?? "",
                headers["Range"] ?? "",
            ]
            return standard.joined(separator: "\n") + "\n" + canonicalizedHeaders
                + Self.blobQueueCanonicalizedResource(request, accountName: accountName)
        case .sharedKeyLite:
            let standard = [
                request.method,
                headers["Content-MD5"] ?? "",
                headers["Content-Type"] ?? "",
                headers["Date"] ?? "",
            ]
            return standard.joined(separator: "\n") + "\n" + canonicalizedHeaders
                + Self.resourceWithComp(request, accountName: accountName)
        }
    }

    private static func tableDate(of request: SignableRequest) -> String {
        request.headers["x-ms-date"] ?? request.headers["Date"] ?? ""
    }

    private static func tableCanonicalizedResource(_ request: SignableRequest, accountName: String) -> String {
        self.resourceWithComp(request, accountName: accountName)
    }

    /// `/account/path`, plus `?comp=value` when the query has `comp`: the Table resource for both
    /// schemes and the Blob/Queue resource for SharedKeyLite.
    private static func resourceWithComp(_ request: SignableRequest, accountName: String) -> String {
        var resource = "/" + accountName + request.encodedPath
        if let comp = request.query["comp"] {
            resource += "?comp=" + comp
        }
        return resource
    }

    /// `/account/path`, then one `\nname:value` line per query parameter: names lower-cased and
    /// sorted, values percent-decoded (`+` stays a plus sign), empty values kept.
    ///
    /// A name given twice has its values sorted and joined with commas, as Azure documents; the
    /// Python SDK would keep only the last, but it never sends a name twice.
    private static func blobQueueCanonicalizedResource(_ request: SignableRequest, accountName: String) -> String {
        var resource = "/" + accountName + request.encodedPath
        var values: [String: [String]] = [:]
        for parameter in request.query {
            values[parameter.name.lowercased(), default: []].append(parameter.value)
        }
        for name in values.keys.sorted(by: Self.byteOrder) {
            let joined = values[name, default: []].sorted(by: Self.byteOrder).joined(separator: ",")
            resource += "\n" + name + ":" + joined
        }
        return resource
    }

    private static func canonicalizedHeaders(_ headers: HTTPHeaders, order: CanonicalHeaderOrder) -> String {
        var values: [(name: String, value: String)] = []
        for field in headers {
            let name = field.name.lowercased()
            guard name.hasPrefix("x-ms-") else { continue }
            values.append((name, field.value.trimmingCharacters(in: .whitespaces)))
        }
        let sorted = values.sorted { order.areInIncreasingOrder($0.name, $1.name) }
        return sorted.map { "\($0.name):\($0.value)\n" }.joined()
    }

    private static func byteOrder(_ left: String, _ right: String) -> Bool {
        left.utf8.lexicographicallyPrecedes(right.utf8)
    }

    private static func sign(_ stringToSign: String, key: StorageAccountKey) -> String {
        let code = HMACSHA256.authenticationCode(key: key.bytes, message: Array(stringToSign.utf8))
        return Data(code).base64EncodedString()
    }
}
