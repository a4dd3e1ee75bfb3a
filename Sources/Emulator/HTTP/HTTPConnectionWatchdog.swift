//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Dispatch
import Foundation
import Glibc
import Synchronization

/// Cuts off connections whose request does not arrive in full within a deadline.
///
/// libmicrohttpd's own timeout only measures silence, so a client that trickles a request head or
/// body a byte at a time — each byte just inside that timeout — could hold a connection, and its
/// memory, forever. libmicrohttpd does not call the application until the head is complete, so
/// the deadline cannot be checked in a callback: this watchdog keeps, per connection, the time
/// it became ready for a request (accepted, or its previous response finished) and a thread that
/// shuts down the socket of any connection still receiving after ``timeout``. libmicrohttpd then
/// sees the end of the stream and closes the connection on its own thread, as it would for a
/// client that went away.
final class HTTPConnectionWatchdog: Sendable {
    /// What is known about one open connection.
    private struct Entry {
        /// The connection's socket.
        var socket: Int32
        /// The peer's address as the kernel reported it when the connection opened, so that a
        /// descriptor reused for another connection is never shut down by mistake.
        var peer: [UInt8]
        /// Since when the connection has been waiting for (part of) a request; `nil` while its
        /// request is being handled or answered.
        var receivingSince: ContinuousClock.Instant?
    }

    /// How long a request may take to arrive, from the moment its connection is ready for it.
    let timeout: Duration
    /// Open connections by libmicrohttpd's connection pointer.
    private let entries = Mutex<[UInt: Entry]>([:])
    /// Connections cut off since the server started.
    let connectionsCutOff = Atomic<Int>(0)
    /// Set when the server shuts down.
    private let stopped = Atomic<Bool>(false)
    /// Wakes the thread early when stopping.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled once by the thread when it has ended.
    private let finished = DispatchSemaphore(value: 0)
    /// Reports each cut-off connection.
    private let log: @Sendable (String) -> Void

    /// Starts the watchdog's thread.
    init(timeout: Duration, log: @escaping @Sendable (String) -> Void) {
        self.timeout = timeout
        self.log = log
        // A plain thread: the loop sleeps and makes system calls, which must not block the
        // cooperative pool.
        let thread = Thread { [self] in
            self.run()
        }
        thread.name = "http-watchdog"
        thread.start()
    }

    /// Stops the thread and waits for it; idempotent.
    func stop() {
        guard !self.stopped.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        self.wake.signal()
        self.finished.wait()
    }

    // MARK: Events from libmicrohttpd's threads

    /// Records a new connection, ready for its first request.
    func connectionOpened(_ connection: UInt, socket: Int32) {
        guard socket >= 0, let peer = Self.peerAddress(of: socket) else {
            return
        }
        let entry = Entry(socket: socket, peer: peer, receivingSince: .now)
        self.entries.withLock { $0[connection] = entry }
    }

    /// Forgets a connection; libmicrohttpd closes its socket only after this.
    func connectionClosed(_ connection: UInt) {
        _ = self.entries.withLock { $0.removeValue(forKey: connection) }
    }

    /// The connection's request has arrived in full; no deadline while it is answered.
    func requestReceived(on connection: UInt) {
        self.entries.withLock { $0[connection]?.receivingSince = nil }
    }

    /// The connection's request has ended; the deadline for the next one starts now.
    func requestEnded(on connection: UInt) {
        self.entries.withLock { entries in
            // Only existing entries: after the connection closed, there is nothing to watch.
            if entries[connection] != nil {
                entries[connection]?.receivingSince = .now
            }
        }
    }

    // MARK: The thread

    private func run() {
        let (seconds, attoseconds) = (self.timeout / 4).components
        let interval = min(1.0, max(0.05, Double(seconds) + Double(attoseconds) / 1e18))
        while !self.stopped.load(ordering: .acquiring) {
            _ = self.wake.wait(timeout: .now() + interval)
            self.cutOffLateConnections()
        }
        self.finished.signal()
    }

    private func cutOffLateConnections() {
        let now = ContinuousClock.now
        var cutOff = 0
        // Under the lock, so that libmicrohttpd cannot close (and the kernel reuse) a socket
        // between the check and the shutdown: the closed notification waits for the lock.
        self.entries.withLock { entries in
            for (connection, entry) in entries {
                guard let since = entry.receivingSince, now - since > self.timeout else {
                    continue
                }
                entries[connection]?.receivingSince = nil
                guard Self.peerAddress(of: entry.socket) == entry.peer else {
                    continue
                }
                shutdown(entry.socket, Int32(SHUT_RDWR))
                cutOff += 1
            }
        }
        if cutOff > 0 {
            self.connectionsCutOff.add(cutOff, ordering: .relaxed)
            self.log("closed \(cutOff) connection(s) whose request did not arrive within \(self.timeout)")
        }
    }

    /// The socket's peer address as raw bytes, or `nil` when it has none.
    private static func peerAddress(of socket: Int32) -> [UInt8]? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(socket, $0, &length) }
        }
        guard status == 0 else {
            return nil
        }
        return withUnsafeBytes(of: &storage) { Array($0.prefix(Int(length))) }
    }
}
