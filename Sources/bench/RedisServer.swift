//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// A `redis-server` without persistence on a free loopback port: the anchor of the lock rows.
final class RedisServer {
    let port: Int
    let version: String
    private let child: ChildProcess

    init(executable: String, directory: URL) async throws {
        self.port = try LoopbackPort.free()
        let root = directory.appendingPathComponent("redis")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.child = try ChildProcess(
            name: "redis-server", executable: executable,
            arguments: [
                "--port", "\(self.port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", root.path, "--logfile", "",
            ], logDirectory: directory)
        try await self.child.waitUntilListening(port: self.port)
        let connection = try RedisConnection(port: self.port)
        let information = try connection.command(["INFO", "server"])
        let line = (information.text ?? "").split(separator: "\r\n").first { $0.hasPrefix("redis_version:") }
        self.version = "redis-server " + (line.map { String($0.dropFirst("redis_version:".count)) } ?? "?")
    }

    func stop() {
        self.child.stop()
    }
}
