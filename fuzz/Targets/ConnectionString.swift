//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

@testable import StorageCore

/// libFuzzer entry point for connection strings: an account read from the input must be
/// read back as an equal account from the connection string it writes.
@_cdecl("LLVMFuzzerTestOneInput")
public func connectionStringFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let account = try? StorageAccount(connectionString: text) else { return 0 }
    let written = account.connectionString
    guard let again = try? StorageAccount(connectionString: written) else {
        fatalError("The connection string an account writes does not parse: \(written)")
    }
    guard again == account else {
        fatalError("The connection string an account writes reads as another account: \(written)")
    }
    return 0
}
