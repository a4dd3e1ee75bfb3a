//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation

/// The machine a run was taken on: what a reader needs to judge its numbers.
enum MachineDescription {
    static func current() -> [String: String] {
        var description: [String: String] = [:]
        description["cores"] = "\(ProcessInfo.processInfo.activeProcessorCount)"
        var name = utsname()
        uname(&name)
        description["kernel"] = withUnsafeBytes(of: &name.release) {
            String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
        }
        if let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let model = line.split(separator: ":", maxSplits: 1).last
        {
            description["cpu"] = model.trimmingCharacters(in: .whitespaces)
        }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
            let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        {
            description["memory"] = String(format: "%.1f GiB", kilobytes / 1_048_576)
        }
        if let release = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
            let line = release.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") })
        {
            description["os"] = line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(
                in: CharacterSet(charactersIn: "\""))
        }
        description["load average at start"] = Self.loadAverage()
        #if compiler(>=6.3)
            let compiler = "Swift 6.3 or later"
        #else
            let compiler = "Swift before 6.3"
        #endif
        #if DEBUG
            description["build"] = "\(compiler), debug (numbers not meaningful)"
        #else
            description["build"] = "\(compiler), release"
        #endif
        return description
    }

    /// The 1-, 5- and 15-minute load averages: on a shared machine, how busy it was.
    static func loadAverage() -> String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "?" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
