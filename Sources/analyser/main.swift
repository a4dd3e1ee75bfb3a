//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Analyser
import Foundation
import StorageCore

// The analyser's command line: `upload`, `work` and `report` over the Analyser library.

func connection(_ options: CommandOptions) -> AnalyserConnection {
    do {
        var connection = try AnalyserConnection(
            connectionString: options.values["--connection-string"], jobsURL: options.values["--jobs-url"])
        if let text = options.values["--request-timeout"] {
            connection.requestTimeout = CommandOptions.parseDuration(text, flag: "--request-timeout")
        }
        return connection
    } catch {
        CommandOptions.fail("cannot read the connection string: \(error)")
    }
}

func store(_ options: CommandOptions) -> DirectoryFileStore {
    do {
        return try DirectoryFileStore(directory: URL(fileURLWithPath: options.required("--store")))
    } catch {
        CommandOptions.fail("cannot open the store: \(error)")
    }
}

func strategy(_ options: CommandOptions) -> AnalysisStrategy {
    let text = options.required("--strategy")
    guard let strategy = AnalysisStrategy(rawValue: text) else {
        CommandOptions.fail("--strategy must be lock, queue or jobs")
    }
    return strategy
}

let connectionFlags: Set<String> = [
    "--connection-string", "--jobs-url", "--store", "--log-format", "--request-timeout",
]
let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else { CommandOptions.fail(CommandOptions.usage) }

switch command {
case "upload":
    let options = CommandOptions(arguments.dropFirst(), flags: connectionFlags.union(["--generate"]))
    let printer = EventPrinter(json: options.values["--log-format"] == "json")
    var files: [(name: String, bytes: [UInt8])] = []
    if let text = options.values["--generate"] {
        guard let count = Int(text), count >= 0 else { CommandOptions.fail("--generate must be a whole number") }
        let prefix = "img-" + String(UUID().uuidString.lowercased().prefix(8))
        files += ImageGenerator.batch(count: count, prefix: prefix).map { ($0.name, $0.bytes) }
    }
    for path in options.positional {
        guard let data = FileManager.default.contents(atPath: path) else { CommandOptions.fail("cannot read \(path)") }
        files.append((URL(fileURLWithPath: path).lastPathComponent, Array(data)))
    }
    let uploader = ImageUploader(store: store(options), connection: connection(options), log: printer.print)
    do {
        try await uploader.upload(files)
    } catch {
        CommandOptions.fail("upload failed: \(error)")
    }

case "work":
    let options = CommandOptions(
        arguments.dropFirst(),
        flags: connectionFlags.union(["--strategy", "--worker-id", "--interval", "--ttl", "--exit-when-idle"]))
    let printer = EventPrinter(json: options.values["--log-format"] == "json")
    var configuration = AnalysisWorker.Configuration(
        strategy: strategy(options), workerId: options.required("--worker-id"), connection: connection(options))
    if let text = options.values["--interval"] {
        configuration.interval = CommandOptions.parseDuration(text, flag: "--interval")
    }
    if let text = options.values["--ttl"] { configuration.ttl = CommandOptions.parseDuration(text, flag: "--ttl") }
    if let text = options.values["--exit-when-idle"] {
        configuration.exitWhenIdle =
            text == "never" ? nil : CommandOptions.parseDuration(text, flag: "--exit-when-idle")
    }
    let worker = AnalysisWorker(configuration: configuration, store: store(options), log: printer.print)
    do {
        _ = try await worker.run()
    } catch {
        CommandOptions.fail("worker failed: \(error)")
    }

case "report":
    let options = CommandOptions(arguments.dropFirst(), flags: connectionFlags.union(["--strategy"]))
    do {
        let report = try await AnalysisReport.make(
            store: store(options), connection: connection(options), strategy: strategy(options))
        print(report.lines.joined(separator: "\n"))
        exit(report.passed ? 0 : 1)
    } catch {
        CommandOptions.fail("report failed: \(error)")
    }

case "-h", "--help":
    print(CommandOptions.usage)

default:
    CommandOptions.fail("unknown command '\(command)'\n\n\(CommandOptions.usage)")
}
