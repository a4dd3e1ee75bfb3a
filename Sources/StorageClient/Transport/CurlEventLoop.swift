//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import CCurl
import Dispatch
import Foundation
import Synchronization

/// Initializes libcurl once per process, before any thread uses it, as libcurl requires.
private let curlGlobalInitialization: Void = {
    let result = curl_global_init(Int(CURL_GLOBAL_ALL))
    precondition(result == CURLE_OK, "curl_global_init failed with code \(result.rawValue)")
}()

/// The thread that drives every transfer of one ``CurlTransport`` through a `curl_multi` handle.
///
/// `@unchecked Sendable` because its state is split by owner: `shared` is guarded by a mutex,
/// the counters are atomic, the multi handle is used from other threads only through
/// `curl_multi_wakeup` (documented as thread-safe), and `active` and `idleHandles` are touched
/// only by the loop thread.
final class CurlEventLoop: @unchecked Sendable {
    private struct Shared {
        var pending: [CurlTransfer] = []
        var cancellationRequested = false
        var isShutDown = false
    }

    private let multi: UnsafeMutableRawPointer
    private let shared = Mutex(Shared())
    private let stopped = DispatchSemaphore(value: 0)
    private let connectionCount = Atomic<Int>(0)
    private let maximumIdleHandles: Int
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    private var idleHandles: [UnsafeMutableRawPointer] = []
    private let loopThreadID = Atomic<UInt>(0)

    init(configuration: CurlTransport.Configuration) {
        _ = curlGlobalInitialization
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed: libcurl could not allocate its multi handle")
        }
        self.multi = multi
        self.maximumIdleHandles = configuration.maximumIdleConnections
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, configuration.maximumIdleConnections)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maximumConnectionsPerHost)
        let thread = Thread { [self] in
            self.loopThreadID.store(UInt(pthread_self()), ordering: .relaxed)
            self.run()
        }
        thread.name = "baton-curl"
        thread.start()
    }

    /// The total of new connections opened by finished transfers.
    var connectionsOpened: Int {
        self.connectionCount.load(ordering: .relaxed)
    }

    /// Hands a transfer to the loop; fails it at once if the loop has shut down.
    func submit(_ transfer: CurlTransfer) {
        let accepted = self.shared.withLock { shared in
            guard !shared.isShutDown else { return false }
            shared.pending.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(self.multi)
        } else {
            transfer.continuation?.resume(throwing: Self.shutDownError)
            transfer.continuation = nil
        }
    }

    /// Asks the loop to abandon a transfer; its task then throws `CancellationError`.
    func cancel(_ transfer: CurlTransfer) {
        transfer.isCancelled.store(true, ordering: .releasing)
        let running = self.shared.withLock { shared in
            shared.cancellationRequested = true
            return !shared.isShutDown
        }
        if running { curl_multi_wakeup(self.multi) }
    }

    /// Stops the loop, failing unfinished transfers, and waits for it unless called from it.
    func shutdown() {
        let first = self.shared.withLock { shared in
            defer { shared.isShutDown = true }
            return !shared.isShutDown
        }
        guard first else { return }
        curl_multi_wakeup(self.multi)
        if self.loopThreadID.load(ordering: .relaxed) != UInt(pthread_self()) {
            self.stopped.wait()
        }
    }

    private static let shutDownError = TransportError(code: .shutDown, message: "The transport has been shut down.")

    // MARK: - Loop thread

    private func run() {
        while true {
            let (newTransfers, checkCancellations, stop) = self.shared.withLock { shared in
                defer {
                    shared.pending.removeAll(keepingCapacity: true)
                    shared.cancellationRequested = false
                }
                return (shared.pending, shared.cancellationRequested, shared.isShutDown)
            }
            for transfer in newTransfers {
                self.start(transfer)
            }
            if checkCancellations || !newTransfers.isEmpty {
                for (handle, transfer) in self.active where transfer.isCancelled.load(ordering: .acquiring) {
                    self.finish(handle, transfer, with: .failure(CancellationError()))
                }
            }
            if stop { break }

            var running: Int32 = 0
            _ = curl_multi_perform(self.multi, &running)
            self.collectFinishedTransfers()
            _ = curl_multi_poll(self.multi, nil, 0, 1000, nil)
        }
        for (handle, transfer) in self.active {
            self.finish(handle, transfer, with: .failure(Self.shutDownError))
        }
        for handle in self.idleHandles {
            curl_easy_cleanup(handle)
        }
        self.idleHandles.removeAll()
        curl_multi_cleanup(self.multi)
        self.stopped.signal()
    }

    private func start(_ transfer: CurlTransfer) {
        if transfer.isCancelled.load(ordering: .acquiring) {
            transfer.continuation?.resume(throwing: CancellationError())
            transfer.continuation = nil
            return
        }
        guard let handle = self.idleHandles.popLast() ?? curl_easy_init() else {
            transfer.continuation?.resume(
                throwing: TransportError(code: .other, message: "libcurl could not create an easy handle."))
            transfer.continuation = nil
            return
        }
        transfer.configure(handle)
        let added = curl_multi_add_handle(self.multi, handle)
        guard added == CURLM_OK else {
            curl_easy_cleanup(handle)
            transfer.continuation?.resume(
                throwing: TransportError(
                    code: .other, message: String(cString: curl_multi_strerror(added)), curlCode: Int(added.rawValue)))
            transfer.continuation = nil
            return
        }
        self.active[handle] = transfer
    }

    private func collectFinishedTransfers() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let transfer = self.active[handle]
            else { continue }
            let code = ccurl_message_result(message)
            var newConnections = 0
            _ = ccurl_easy_getinfo_long(handle, CURLINFO_NUM_CONNECTS, &newConnections)
            self.connectionCount.add(newConnections, ordering: .relaxed)
            if code == CURLE_OK {
                var status = 0
                _ = ccurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
                let response = HTTPClientResponse(
                    status: status, headers: transfer.responseHeaders, body: transfer.responseBody)
                self.finish(handle, transfer, with: .success(response))
            } else {
                self.finish(handle, transfer, with: .failure(Self.error(for: code, transfer: transfer)))
            }
        }
    }

    private func finish(
        _ handle: UnsafeMutableRawPointer, _ transfer: CurlTransfer, with result: Result<HTTPClientResponse, any Error>
    ) {
        curl_multi_remove_handle(self.multi, handle)
        self.active[handle] = nil
        // Reset keeps the handle's caches; the connection itself stays in the multi's pool.
        curl_easy_reset(handle)
        if self.idleHandles.count < self.maximumIdleHandles {
            self.idleHandles.append(handle)
        } else {
            curl_easy_cleanup(handle)
        }
        transfer.continuation?.resume(with: result)
        transfer.continuation = nil
    }

    private static func error(for code: CURLcode, transfer: CurlTransfer) -> TransportError {
        let message = transfer.failureMessage(code)
        let curlCode = Int(code.rawValue)
        switch code {
        case CURLE_WRITE_ERROR where transfer.exceededResponseLimit:
            return TransportError(
                code: .responseTooLarge, message: "The response body exceeded the transport's limit.",
                curlCode: curlCode)
        case CURLE_OPERATION_TIMEDOUT:
            return TransportError(code: .timedOut, message: message, curlCode: curlCode)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return TransportError(code: .hostNotFound, message: message, curlCode: curlCode)
        case CURLE_COULDNT_CONNECT:
            return TransportError(code: .connectFailed, message: message, curlCode: curlCode)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return TransportError(code: .invalidRequest, message: message, curlCode: curlCode)
        case CURLE_SEND_FAIL_REWIND:
            // The connection died after the body was sent, and the transfer refused libcurl's
            // silent resend (see CurlTransfer); libcurl's own text would only mention a rewind.
            return TransportError(
                code: .connectionLost,
                message: "The connection closed after the request was sent and before any answer; "
                    + "it may have been applied.", curlCode: curlCode)
        case CURLE_GOT_NOTHING, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE:
            return TransportError(code: .connectionLost, message: message, curlCode: curlCode)
        default:
            return TransportError(code: .other, message: message, curlCode: curlCode)
        }
    }
}
