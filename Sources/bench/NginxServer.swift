//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// nginx answering every request with an empty `204`: the HTTP floor of this machine, the
/// anchor of the transport rows and of the emulator's read rate.
final class NginxServer {
    let port: Int
    let version: String
    private let child: ChildProcess

    /// Starts nginx in the foreground (`daemon off`) with a configuration, pid file and
    /// temporary paths of its own under `directory`; nothing of the system's nginx is used.
    init(executable: String, directory: URL) async throws {
        let root = directory.appendingPathComponent("nginx")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        self.port = try LoopbackPort.free()
        let path = root.path
        // Keep-alive connections stay open for the whole run, as the clients' pools expect.
        let configuration = """
            worker_processes \(ProcessInfo.processInfo.activeProcessorCount);
            daemon off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                keepalive_requests 100000000;
                keepalive_timeout 300s;
                client_body_temp_path \(path)/client-body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                server {
                    listen 127.0.0.1:\(self.port);
                    location / { return 204; }
                }
            }

            """
        let file = root.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        self.version = Self.version(of: executable)
        self.child = try ChildProcess(
            name: "nginx", executable: executable,
            arguments: ["-p", path, "-e", "\(path)/error.log", "-c", file.path], logDirectory: directory)
        try await self.child.waitUntilListening(port: self.port)
    }

    /// `nginx/1.22.1`, from `nginx -v` (which prints to standard error).
    private static func version(of executable: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-v"]
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "nginx" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        return text.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "nginx"
    }

    func stop() {
        self.child.stop()
    }
}
