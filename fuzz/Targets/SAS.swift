//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

@testable import StorageCore

/// libFuzzer entry point for shared access signatures. The input is a query string; the SAS in
/// it is checked twice against table, queue and account operations: as given, and re-signed
/// with the account key so that the checks after the signature run too.
@_cdecl("LLVMFuzzerTestOneInput")
public func sasFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? QueryParameters(encodedQuery: text)
    guard let signature = SharedAccessSignature(queryString: text) else { return 0 }
    _ = signature.startTime
    _ = signature.expiryTime
    _ = signature.addressRange?.contains(address: "127.0.0.1")
    _ = signature.addressRange?.contains(address: "::1")
    let accountName = "devstoreaccount1"
    let key = StorageAccountKey(bytes: Array(repeating: 7, count: 64))
    let verifier = SASVerifier(accountName: accountName, keys: [key])
    let now = PreciseTimestamp(ticksSinceEpoch: 638_000_000_000_000_000)
    let requests = [
        SASRequest(
            service: .table, requirement: .insertEntity, tableName: signature.tableName ?? "t", partitionKey: "p",
            rowKey: "r", clientAddress: "127.0.0.1", isHTTPS: false, now: now),
        SASRequest(
            service: .table, requirement: .queryEntities, tableName: "t", clientAddress: nil, isHTTPS: true, now: now),
        SASRequest(service: .table, requirement: .queryTables, clientAddress: "10.1.2.3", isHTTPS: true, now: now),
        SASRequest(
            service: .queue, requirement: .putMessage, queueName: "q", clientAddress: "127.0.0.1", isHTTPS: false,
            now: now),
        SASRequest(service: .queue, requirement: .listQueues, clientAddress: "::1", isHTTPS: true, now: now),
        SASRequest(service: .blob, requirement: .listQueues, clientAddress: nil, isHTTPS: true, now: now),
    ]
    let policy = SASStoredAccessPolicy(start: signature.startTime, expiry: signature.expiryTime, permissions: "raud")
    for request in requests {
        _ = verifier.verify(signature, for: request)
        var resigned = signature
        let stringToSign: String?
        if signature.isAccountSAS {
            stringToSign = signature.accountStringToSign(accountName: accountName)
        } else if request.service == .table {
            stringToSign = signature.tableStringToSign(accountName: accountName)
        } else {
            stringToSign = signature.queueStringToSign(accountName: accountName, queueName: request.queueName ?? "")
        }
        if let stringToSign { resigned.signature = SharedAccessSignature.sign(stringToSign, key: key) }
        _ = verifier.verify(resigned, for: request) { $0 == "policy" ? policy : nil }
    }
    return 0
}
