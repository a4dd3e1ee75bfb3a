//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageCore

extension FaultInjector {
    /// Wraps a service's request handler so that every request goes through ``decide(for:)``.
    ///
    /// Runs on libmicrohttpd's threads like the handler itself, so the waits for latency and
    /// slow answers block a server thread — as a slow server would; with many slow faults at
    /// once, other connections served by the same thread wait too.
    package func handler(
        for service: FaultSpec.Service, _ handler: @escaping @Sendable (HTTPServerRequest) -> HTTPServerResponse
    ) -> @Sendable (HTTPServerRequest) -> HTTPServerResponse {
        { request in
            let decision = self.decide(for: service)
            if let latency = decision.latency {
                Self.wait(latency)
            }
            switch decision.outcome {
            case .none:
                return handler(request)
            case .busy:
                return FaultResponses.serverBusy(service, request: request)
            case .internalError:
                return FaultResponses.internalError(service, request: request)
            case .drop:
                // The handler runs to the end — a write commits — and only the answer is lost.
                var response = handler(request)
                response.closesWithoutAnswer = true
                return response
            case .slow(let duration):
                let response = handler(request)
                Self.wait(duration)
                return response
            }
        }
    }

    private static func wait(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
