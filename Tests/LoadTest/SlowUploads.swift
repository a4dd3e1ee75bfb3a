//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Glibc

/// Connections that each start an upload and then send nothing: the requests a slow or hostile
/// client leaves in flight, which the overload phase uses to fill the emulator's capacity.
final class SlowUploads {
    private var sockets: [Int32] = []

    /// Opens `count` connections to `port`, each sending a request head that announces a
    /// `declaredBytes` body, then a few bytes of it.
    init(count: Int, port: Int, path: String, declaredBytes: Int) {
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { continue }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else {
                Glibc.close(descriptor)
                continue
            }
            let head = "PUT \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(declaredBytes)\r\n\r\nslow"
            _ = head.withCString { send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            self.sockets.append(descriptor)
        }
    }

    /// How many connections were opened.
    var count: Int { self.sockets.count }

    /// Closes every connection, freeing the places their requests held.
    func close() {
        for descriptor in self.sockets {
            Glibc.close(descriptor)
        }
        self.sockets = []
    }

    deinit {
        self.close()
    }
}
