//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

/// The emulator's admin endpoint: reads and changes the fault specification while it runs.
///
/// - `GET /faults` answers `{"spec": "...", "seed": N, "counters": {...}}`;
/// - `PUT /faults` with a specification as the body (text, the `--faults` syntax) puts it in
///   force and answers like `GET`; a bad specification gets 400 with the parser's message;
/// - `DELETE /faults` turns every fault off and answers like `GET`.
///
/// It has no authentication, so it only ever listens on a loopback address (checked by
/// ``StorageEmulator``) and refuses, with 403, any request that does not come from one.
final class FaultAdminService: Sendable {
    /// The only path served.
    static let path = "/faults"

    private let injector: FaultInjector
    private let log: EmulatorLog

    /// A service changing `injector`.
    init(injector: FaultInjector, log: EmulatorLog) {
        self.injector = injector
        self.log = log
    }

    /// Whether `host` is a loopback address or name, the only kind the admin endpoint binds.
    static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
    }

    /// Answers one request.
    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if let remote = request.remoteAddress {
            let host =
                remote.hasPrefix("[") ? String(remote.prefix { $0 != "]" }) + "]" : String(remote.prefix { $0 != ":" })
            guard Self.isLoopback(host: host) else {
                return Self.error(403, "Forbidden", "the admin endpoint answers loopback clients only")
            }
        }
        guard request.path == Self.path || request.path == Self.path + "/" else {
            return Self.error(404, "NotFound", "the admin endpoint serves \(Self.path) only")
        }
        switch request.method {
        case "GET":
            return self.state()
        case "PUT":
            let text = String(decoding: request.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                let spec = try FaultSpec(parsing: text)
                self.injector.setSpec(spec)
                self.log.log(.warning, "faults set to '\(spec)'")
                return self.state()
            } catch {
                return Self.error(400, "\(error.code)", error.message)
            }
        case "DELETE":
            self.injector.setSpec(FaultSpec())
            self.log.log(.warning, "faults cleared")
            return self.state()
        default:
            var response = Self.error(405, "MethodNotAllowed", "use GET, PUT or DELETE on \(Self.path)")
            response.headers.add(name: "Allow", value: "GET, PUT, DELETE")
            return response
        }
    }

    private func state() -> HTTPServerResponse {
        let body = JSONValue.object([
            JSONMember("spec", .string(self.injector.spec.description)),
            JSONMember("seed", .number(String(self.injector.seed))),
            JSONMember("counters", self.injector.counters.json),
        ])
        return HTTPServerResponse(
            status: 200, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(body))
    }

    private static func error(_ status: Int, _ code: String, _ message: String) -> HTTPServerResponse {
        let body = JSONValue.object([
            JSONMember("error", .object([JSONMember("code", .string(code)), JSONMember("message", .string(message))]))
        ])
        return HTTPServerResponse(
            status: status, headers: ["Content-Type": "application/json"], body: JSONWriter.bytes(body))
    }
}
