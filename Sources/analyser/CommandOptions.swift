//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// Flags with values, and the remaining positional arguments, of one command.
struct CommandOptions: Sendable {
    var values: [String: String] = [:]
    var positional: [String] = []

    /// Parses `arguments`, accepting the value flags in `flags`.
    init(_ arguments: ArraySlice<String>, flags: Set<String>) {
        var remaining = arguments
        while let argument = remaining.popFirst() {
            if argument == "-h" || argument == "--help" {
                print(Self.usage)
                exit(0)
            }
            if argument.hasPrefix("--") {
                guard flags.contains(argument) else { Self.fail("unknown option '\(argument)'\n\n\(Self.usage)") }
                guard let value = remaining.popFirst() else { Self.fail("\(argument) needs a value") }
                self.values[argument] = value
            } else {
                self.positional.append(argument)
            }
        }
    }

    /// The value of `flag`; exits with the usage when it is missing.
    func required(_ flag: String) -> String {
        guard let value = self.values[flag] else { Self.fail("\(flag) is required\n\n\(Self.usage)") }
        return value
    }

    /// The help text.
    static let usage = """
        usage:
          analyser upload --store DIR [--generate N] [FILES…]
          analyser work --strategy lock|queue|jobs --store DIR --worker-id ID [--interval 1s] [--ttl 10s]
                        [--exit-when-idle 5s|never] [--connection-string S] [--jobs-url URL] [--log-format text|json]
                        [--request-timeout 30s]
          analyser report --store DIR --strategy lock|queue|jobs [--connection-string S]

        The connection is --connection-string, else AZURE_STORAGE_CONNECTION_STRING, else
        UseDevelopmentStorage=true; the Jobs service is --jobs-url (default http://127.0.0.1:10003).
        """

    /// Prints `message` on standard error and exits with status 2.
    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("analyser: \(message)\n".utf8))
        exit(2)
    }

    /// Parses `250ms`, `1s`, `2m` or a plain number of seconds.
    static func parseDuration(_ text: String, flag: String) -> Duration {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60)]
        for unit in units where text.hasSuffix(unit.suffix) {
            if let value = Double(text.dropLast(unit.suffix.count)), value >= 0 {
                return .milliseconds(Int64((value * unit.scale * 1000).rounded()))
            }
        }
        if let value = Double(text), value >= 0 { return .milliseconds(Int64((value * 1000).rounded())) }
        Self.fail("\(flag) must be a duration such as 500ms, 1s or 2m, not '\(text)'")
    }
}
