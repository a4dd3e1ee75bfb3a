//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import Glibc
import Testing

/// Kills a process that is writing to a table store with SIGKILL and checks that every write
/// it acknowledged is in the database afterwards.
///
/// The writer is a child made with `fork()`: SwiftPM offers no way to add a helper executable
/// without changing the manifest, and the child must run the store's real code. Forking a
/// multithreaded process copies only the calling thread, so a lock another thread held at that
/// moment (a SQLite or Swift runtime lock) stays locked forever in the child. The most exposed
/// one, SQLite's memory-statistics mutex taken by every allocation, is gone because
/// `SQLiteDatabase` turns the statistics off (before that, about one fork in three hung here
/// while the other tests ran). Beyond that, the child does as little as possible — open the
/// store, write, report over a pipe with `write(2)`, never return — and the parent gives up on
/// a child that reports nothing for ten seconds, kills it and forks again. A stuck child can
/// only cost a retry, never a false pass. A second case, whose child acknowledges rows inside a transaction it never commits,
/// shows that the check does catch lost writes.
@Suite("TableStore survives kill -9", .serialized, .timeLimit(.minutes(2)))
struct TableStoreCrashTests {
    /// When the child reports a row as written.
    enum Acknowledgement: String, CaseIterable, Sendable, CustomStringConvertible {
        /// After `insert` returned: the commit is done, so the row must survive.
        case afterCommit
        /// Inside a transaction that never commits: every acknowledged row must be lost.
        case beforeCommit

        var description: String { self.rawValue }
    }

    /// What a child reported before it died.
    struct ChildRun {
        /// The row numbers it acknowledged, in order.
        var acknowledged: [Int]
        /// Its wait status.
        var waitStatus: Int32
    }

    static let account = "devstoreaccount1"
    static let table = "Crash"
    /// How many acknowledgements the parent waits for before killing the child.
    static let acknowledgementsBeforeKill = 400

    /// The RowKey of row `index`, zero-padded so that key order is row order.
    static func rowKey(_ index: Int) -> String {
        let digits = String(index)
        return String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// The properties of row `index`: a few hundred bytes that depend on it, so that a torn or
    /// misplaced write would show.
    static func properties(_ index: Int) -> [UInt8] {
        (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index) }
    }

    @Test(
        "every acknowledged write survives SIGKILL; unacknowledged ones are caught", arguments: Acknowledgement.allCases
    )
    func survivesKill(acknowledgement: Acknowledgement) throws {
        var attempt = 0
        var outcome: (run: ChildRun, directory: TemporaryDirectory)?
        while outcome == nil && attempt < 3 {
            attempt += 1
            let directory = try TemporaryDirectory()
            // The parent creates the table and closes the store before forking: a connection
            // must never be open across fork().
            let setup = try TableStore(location: .directory(directory.url))
            _ = try setup.createTable(account: Self.account, name: Self.table)
            setup.close()
            if let run = try Self.runChild(directory: directory.url, acknowledgement: acknowledgement) {
                outcome = (run, directory)
            } else {
                directory.remove()
            }
        }
        guard let (run, directory) = outcome else {
            Issue.record("no child made progress in \(attempt) attempts")
            return
        }
        defer { directory.remove() }

        #expect(run.waitStatus & 0x7F == SIGKILL, "the child ended otherwise: wait status \(run.waitStatus)")
        #expect(run.acknowledged.count >= Self.acknowledgementsBeforeKill)
        #expect(run.acknowledged == Array(0..<run.acknowledged.count))
        if acknowledgement == .afterCommit {
            // The child died without closing, so its commits are still in the WAL, not yet in
            // the database file: reopening must recover them from there.
            let walPath = directory.path(TableStore.databaseFileName + "-wal")
            let walSize = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
            #expect(walSize > 0)
        }

        let store = try TableStore(location: .directory(directory.url))
        defer { store.close() }
        var missing: [Int] = []
        for index in run.acknowledged {
            let entity = try store.entity(
                account: Self.account, table: Self.table, partitionKey: "p", rowKey: Self.rowKey(index))
            if entity == nil {
                missing.append(index)
            } else {
                #expect(entity?.properties == Self.properties(index), "row \(index) was stored wrongly")
            }
        }
        switch acknowledgement {
        case .afterCommit:
            #expect(missing.isEmpty, "\(missing.count) acknowledged rows lost, first \(missing.prefix(5))")
        case .beforeCommit:
            #expect(missing == run.acknowledged, "rows of an uncommitted transaction survived")
        }
    }

    // MARK: The child

    /// Forks a child that writes rows until it is killed, kills it once it has acknowledged
    /// enough, and collects every acknowledgement it sent before dying.
    ///
    /// - Returns: `nil` when the child acknowledged nothing for ten seconds (stuck on a lock
    ///   inherited through fork); it has then been killed and reaped.
    static func runChild(directory: URL, acknowledgement: Acknowledgement) throws -> ChildRun? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        // Close-on-exec, so that programs other tests start meanwhile do not inherit the write
        // end and keep the pipe open after the child dies. (The forked child does not exec.)
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        let child = fork()
        if child == 0 {
            Self.childMain(directory: directory, acknowledgement: acknowledgement, writeEnd: writeEnd)
        }
        close(writeEnd)
        defer { close(readEnd) }
        guard child > 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }

        var received: [UInt8] = []
        var acknowledged: [Int] = []
        var killed = false
        var lastProgress = Date()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        reading: while true {
            var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 1000)
            if ready == 0 {
                if Date().timeIntervalSince(lastProgress) > 10 {
                    kill(child, SIGKILL)
                    var status: Int32 = 0
                    waitpid(child, &status, 0)
                    if killed {
                        break reading  // dead but the pipe is still open? keep what we have
                    }
                    return nil
                }
                continue
            }
            if ready < 0 && errno == EINTR {
                continue
            }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR {
                continue
            }
            if count <= 0 {
                break  // end of file: the child is dead and everything it sent has been read
            }
            received += buffer[0..<count]
            // Only complete lines count: a line cut off by the kill was never acknowledged.
            while let newline = received.firstIndex(of: UInt8(ascii: "\n")) {
                if let index = Int(String(decoding: received[..<newline], as: UTF8.self)) {
                    acknowledged.append(index)
                }
                received.removeSubrange(...newline)
                lastProgress = Date()
            }
            if !killed && acknowledged.count >= Self.acknowledgementsBeforeKill {
                kill(child, SIGKILL)  // mid-stream: the child is busy writing the next rows
                killed = true
            }
        }
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return ChildRun(acknowledged: acknowledged, waitStatus: status)
    }

    /// The child's whole life: open the store, write rows and acknowledge them, until killed.
    ///
    /// It never returns into the test runner. Any failure ends it with `_exit`, which skips
    /// exit handlers that could touch state copied from the parent's other threads.
    static func childMain(directory: URL, acknowledgement: Acknowledgement, writeEnd: Int32) -> Never {
        // Drop every other descriptor inherited from the parent — its other tests' sockets and
        // database files — so that the child cannot keep a connection or file of theirs open.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        for descriptor in 3..<Int32(clamping: min(limit.rlim_cur, 65_536)) where descriptor != writeEnd {
            close(descriptor)
        }
        do {
            let store = try TableStore(location: .directory(directory))
            switch acknowledgement {
            case .afterCommit:
                var index = 0
                while true {
                    let outcome = try store.insert(
                        account: Self.account, table: Self.table, partitionKey: "p", rowKey: Self.rowKey(index),
                        properties: Self.properties(index))
                    guard case .inserted = outcome else {
                        _exit(3)
                    }
                    Self.acknowledge(index, on: writeEnd)
                    index += 1
                }
            case .beforeCommit:
                try store.transaction { transaction in
                    var index = 0
                    while true {
                        _ = try transaction.insert(
                            account: Self.account, table: Self.table, partitionKey: "p", rowKey: Self.rowKey(index),
                            properties: Self.properties(index))
                        Self.acknowledge(index, on: writeEnd)
                        index += 1
                    }
                }
            }
        } catch {
            _exit(2)
        }
        _exit(4)
    }

    /// Writes `index` and a newline to the pipe with `write(2)`, which takes no locks.
    static func acknowledge(_ index: Int, on descriptor: Int32) {
        let line = Array("\(index)\n".utf8)
        var offset = 0
        while offset < line.count {
            let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                _exit(5)  // the parent stopped listening
            }
            offset += written
        }
    }
}
