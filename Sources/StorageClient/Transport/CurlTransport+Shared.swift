//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension CurlTransport {
    /// One transport for the whole process, with the default ``Configuration``.
    ///
    /// The storage clients use it unless given another, so every client in a process shares one
    /// network thread and one pool of kept-alive connections. It is created on first use and
    /// lives until the process exits; do not call ``shutdown()`` on it.
    public static let shared = CurlTransport()
}
