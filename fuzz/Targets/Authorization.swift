//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

@testable import StorageCore

/// libFuzzer entry point for shared-key authentication. The input is lines: an
/// `Authorization` header value, a request line `METHOD target`, then `name: value` headers.
/// The header value is parsed, the date read, and the request checked under both schemes for
/// every service; a request this signer signs must also verify.
@_cdecl("LLVMFuzzerTestOneInput")
public func authorizationFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let headerValue = lines.isEmpty ? "" : lines.removeFirst()
    let requestLine = lines.isEmpty ? "GET /" : lines.removeFirst()
    var headers = HTTPHeaders()
    for line in lines {
        guard let colon = line.firstIndex(of: ":") else { continue }
        headers.add(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]))
    }
    for dateHeader in ["x-ms-date", "Date"] {
        _ = headers[dateHeader].flatMap(HTTPDate.date(from:))
    }
    let parsed = SharedKeyAuthorization(headerValue: headerValue)
    if let parsed, SharedKeyAuthorization(headerValue: parsed.headerValue) != parsed {
        fatalError("The Authorization value '\(headerValue)' does not survive writing.")
    }
    let pieces = requestLine.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
    let method = String(pieces[0])
    let target = pieces.count > 1 ? String(pieces[1]) : "/"
    guard let request = try? SignableRequest(method: method, target: target, headers: headers) else { return 0 }
    let key = StorageAccountKey(bytes: Array(repeating: 7, count: 64))
    for service in StorageService.allCases {
        for scheme in SharedKeyScheme.allCases {
            let signer = SharedKeySigner(service: service, scheme: scheme)
            if let parsed { _ = signer.isValid(parsed, for: request, key: key) }
            let signed = signer.authorization(for: request, accountName: "devstoreaccount1", key: key)
            guard signer.isValid(signed, for: request, key: key) else {
                fatalError("A request the signer signed does not verify: \(service) \(scheme) '\(requestLine)'.")
            }
        }
    }
    return 0
}
