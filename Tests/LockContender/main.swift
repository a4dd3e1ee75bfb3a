//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import BackgroundExecution
import Foundation

// One contender of the multi-process lock test: takes the lock `cycles` times, holds it for
// `hold-ms` each time, and prints one line per holding — `HELD <fence> <start ns> <end ns>` on
// the machine's real-time clock — so the test can check afterwards that no two holdings of
// the contenders overlapped and that fences grew with time.

func argument(_ name: String) -> String? {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count else {
        return nil
    }
    return CommandLine.arguments[index + 1]
}

func realtimeNanoseconds() -> UInt64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
}

guard let connectionString = argument("--connection-string"), let key = argument("--key") else {
    FileHandle.standardError.write(
        Data("usage: lock-contender --connection-string CS --key K [--cycles N] [--hold-ms M]\n".utf8))
    exit(2)
}
let cycles = argument("--cycles").flatMap(Int.init) ?? 20
let holdMilliseconds = argument("--hold-ms").flatMap(Int.init) ?? 5

var configuration = try TableLock.Configuration(connectionString: connectionString)
configuration.retryTimeout = .milliseconds(5)
let lock = TableLock(configuration: configuration)
for _ in 0..<cycles {
    let lease = try await lock.acquire(key: key, ttl: .seconds(30), timeout: .seconds(120))
    let start = realtimeNanoseconds()
    try await Task.sleep(for: .milliseconds(holdMilliseconds))
    let end = realtimeNanoseconds()
    FileHandle.standardOutput.write(Data("HELD \(lease.fencingToken) \(start) \(end)\n".utf8))
    try await lease.release()
}
