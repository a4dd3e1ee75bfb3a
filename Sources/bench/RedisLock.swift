//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The Redis lock of pip-services (`RedisLock`), the anchor of the lock rows: acquiring is
/// `SET key token NX PX ttl`, releasing is a script that deletes the key only while it still
/// holds the caller's token, so a holder whose lease expired cannot release its successor's.
struct RedisLock {
    private let connection: RedisConnection
    /// The caller's token, unique per lock client.
    private let token = UUID().uuidString

    /// Compare-and-delete, atomic on the server.
    private static let releaseScript =
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"

    init(connection: RedisConnection) {
        self.connection = connection
    }

    /// Takes the key if it is free; `false` if another token holds it.
    func tryAcquire(key: String, ttl: Duration) throws -> Bool {
        let milliseconds = Int(ttl.seconds * 1_000)
        switch try self.connection.command(["SET", key, self.token, "NX", "PX", "\(milliseconds)"]) {
        case .simple("OK"): return true
        case .bulk(nil): return false
        case let other: throw BenchmarkFailure("redis SET NX answered \(other)")
        }
    }

    /// Releases the key if this client still holds it.
    func release(key: String) throws {
        let reply = try self.connection.command(["EVAL", Self.releaseScript, "1", key, self.token])
        guard case .integer = reply else { throw BenchmarkFailure("redis release answered \(reply)") }
    }
}
