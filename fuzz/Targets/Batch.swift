//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import StorageCore

@testable import Emulator

/// libFuzzer entry point for `$batch` bodies, read as the Table service reads them. The input's
/// first line is the request's `Content-Type`, the rest its body: the outer multipart is split,
/// its one changeset split again, and every part read as an embedded entity write.
@_cdecl("LLVMFuzzerTestOneInput")
public func batchFuzzTest(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let lineEnd = input.firstIndex(of: 0x0A) ?? input.count
    let contentType = String(decoding: input[..<lineEnd], as: UTF8.self)
    let body = lineEnd < input.count ? Array(input[(lineEnd + 1)...]) : []
    guard let boundary = MultipartMixed.boundary(fromContentType: contentType),
        let outerParts = try? MultipartMixed.parse(body, boundary: boundary)
    else { return 0 }
    for outer in outerParts {
        guard let changesetBoundary = outer.headers["Content-Type"].flatMap(MultipartMixed.boundary(fromContentType:)),
            let parts = try? MultipartMixed.parse(outer.body, boundary: changesetBoundary)
        else { continue }
        for part in parts {
            _ = try? BatchOperation(part: part, account: "devstoreaccount1")
        }
        _ = MultipartMixed.write(parts, boundary: changesetBoundary)
    }
    return 0
}
