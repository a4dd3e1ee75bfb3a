//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Emulator
import Foundation

// The storage emulator's command line: parse flags, start the services, print one line per
// service, and run until SIGINT or SIGTERM.

let usage = """
    usage: storage-emulator [options]

      --host ADDRESS         address to bind (default 127.0.0.1)
      --table-port PORT      Table service port (default 10002; 0 picks a free port)
      --queue-port PORT      Queue service port (default 10001; 0 picks a free port)
      --jobs-port PORT       Jobs service port (default 10003; 0 picks a free port)
      --jobs-clean-interval MS
                             how often completed, expired and exhausted jobs are deleted,
                             in milliseconds (default 60000; 0 turns the cleanup off)
      --jobs-max-retries N   how many claims a job gets (default 10)
      --jobs-token TOKEN     also accept "Authorization: Bearer TOKEN" on Jobs commands,
                             besides an account's SharedKey signature (also BATON_JOBS_TOKEN)
      --jobs-anonymous       serve Jobs commands that carry no credential, as a pip-services
                             Jobs service does (for clients that cannot sign)
      --location DIR         where data is kept (default ./.baton-emulator)
      --in-memory            keep data in memory only; it is lost on exit
      --accounts LIST        extra accounts, "name:key1[:key2];name2:key1" (also AZURITE_ACCOUNTS);
                             devstoreaccount1 with its well-known key is always served
      --max-connections N    connections each service keeps open at once (default 1000)
      --max-requests-in-flight N
                             requests each service admits at once; more are answered
                             503 ServerBusy (default 256)
      --request-timeout MS   how long a request may take to arrive in full before its
                             connection is closed (default 60000; 0 turns it off)
      --log-level LEVEL      silent, error, warning (default), info or debug
      --faults SPEC          inject faults into Table, Queue and Jobs requests, for example
                             "latency=0.2:50ms,busy=0.05,internal=0.02,drop=0.05,slow=0.01:35s"
                             (kinds: latency=P:D, busy=P, internal=P, drop=P, slow=P:D,
                             services=table+queue+jobs; see Docs/RELIABILITY.md)
      --faults-seed N        seed of the fault draws, for a reproducible run (default random)
      --admin-port PORT      serve GET/PUT/DELETE /faults on 127.0.0.1:PORT to read or change
                             the faults while running (default off; 0 picks a free port)
      -h, --help             show this help
    """

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("storage-emulator: \(message)\n".utf8))
    exit(2)
}

func parseConfiguration(_ arguments: [String], environment: [String: String]) -> StorageEmulator.Configuration {
    var configuration = StorageEmulator.Configuration()
    var accountList = environment["AZURITE_ACCOUNTS"]
    configuration.jobsToken = environment["BATON_JOBS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    var remaining = arguments[...]
    func value(for flag: String) -> String {
        guard let value = remaining.popFirst() else { fail("\(flag) needs a value") }
        return value
    }
    func port(for flag: String) -> Int {
        let text = value(for: flag)
        guard let port = Int(text), (0...65_535).contains(port) else {
            fail("\(flag) must be a port from 0 to 65535, not '\(text)'")
        }
        return port
    }
    func count(for flag: String, minimum: Int) -> Int {
        let text = value(for: flag)
        guard let count = Int(text), count >= minimum else {
            fail("\(flag) must be a whole number of at least \(minimum), not '\(text)'")
        }
        return count
    }
    while let argument = remaining.popFirst() {
        switch argument {
        case "--host": configuration.host = value(for: argument)
        case "--table-port": configuration.tablePort = port(for: argument)
        case "--queue-port": configuration.queuePort = port(for: argument)
        case "--jobs-port": configuration.jobsPort = port(for: argument)
        case "--jobs-clean-interval":
            configuration.jobsCleanInterval = .milliseconds(count(for: argument, minimum: 0))
        case "--jobs-max-retries": configuration.jobsMaximumRetries = count(for: argument, minimum: 1)
        case "--jobs-token":
            let token = value(for: argument)
            guard !token.isEmpty, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                fail("--jobs-token must be non-empty printable ASCII without spaces")
            }
            configuration.jobsToken = token
        case "--jobs-anonymous": configuration.jobsAllowsAnonymous = true
        case "--location": configuration.location = URL(fileURLWithPath: value(for: argument))
        case "--in-memory": configuration.inMemory = true
        case "--accounts": accountList = value(for: argument)
        case "--max-connections": configuration.maximumConnections = count(for: argument, minimum: 1)
        case "--max-requests-in-flight": configuration.maximumRequestsInFlight = count(for: argument, minimum: 1)
        case "--request-timeout":
            configuration.requestReceiveTimeout = .milliseconds(count(for: argument, minimum: 0))
        case "--faults":
            do {
                configuration.faults = try FaultSpec(parsing: value(for: argument))
            } catch {
                fail("--faults: \(error.message)")
            }
        case "--faults-seed":
            let text = value(for: argument)
            guard let seed = UInt64(text) else { fail("--faults-seed must be a whole number, not '\(text)'") }
            configuration.faultsSeed = seed
        case "--admin-port": configuration.adminPort = port(for: argument)
        case "--log-level":
            let text = value(for: argument)
            guard let level = EmulatorLog.Level(name: text) else {
                fail("--log-level must be silent, error, warning, info or debug, not '\(text)'")
            }
            configuration.logLevel = level
        case "-h", "--help":
            print(usage)
            exit(0)
        default:
            fail("unknown option '\(argument)'\n\n\(usage)")
        }
    }
    if let accountList, !accountList.isEmpty {
        do {
            configuration.accounts = try AccountRegistry.parseAccountList(accountList)
        } catch {
            fail("\(error)")
        }
    }
    return configuration
}

// Block SIGINT and SIGTERM before any other thread exists, so every thread inherits the block and
// the signals wait, pending, for the one thread that takes them with sigwait (below). A signal
// delivered to any other thread would otherwise kill the process, or be lost, instead of shutting
// down cleanly.
var shutdownSignals = sigset_t()
sigemptyset(&shutdownSignals)
sigaddset(&shutdownSignals, SIGINT)
sigaddset(&shutdownSignals, SIGTERM)
pthread_sigmask(SIG_BLOCK, &shutdownSignals, nil)

let configuration = parseConfiguration(
    Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)

// Bound to anything but loopback, the emulator is reachable from the network, where its
// well-known development key (and an anonymous Jobs service) protect nothing. Said on standard
// error whatever the log level.
if !StorageEmulator.isLoopback(host: configuration.host) {
    let jobs = configuration.jobsAllowsAnonymous ? " and the Jobs service accepts anonymous commands" : ""
    FileHandle.standardError.write(
        Data(
            ("storage-emulator: warning: listening on \(configuration.host), not a loopback address; the "
                + "emulator is for local development, its development account key is public\(jobs)\n").utf8))
}

let emulator: StorageEmulator
do {
    emulator = try StorageEmulator(configuration: configuration)
} catch {
    FileHandle.standardError.write(Data("storage-emulator: \(error)\n".utf8))
    exit(1)
}

// One thread waits for the shutdown signals, so shutting down can wait for requests in progress
// and close the databases normally, outside any signal handler.
let awaitedSignals = shutdownSignals
let signalWaiter = Thread {
    var signals = awaitedSignals
    var received: Int32 = 0
    sigwait(&signals, &received)
    emulator.shutdown()
    exit(0)
}
signalWaiter.name = "shutdown-signals"
signalWaiter.start()

// Written unbuffered, so a parent process reading a pipe sees each line at once. Only after the
// signals are blocked and awaited: a parent that reads the lines and at once sends SIGTERM gets a
// clean shutdown.
for line in emulator.listeningLines {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
// The main thread has nothing more to do; it keeps the signals blocked and waits.
while true {
    sleep(3600)
}
