//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP round trip against nginx answering `204`: Baton's pooled libcurl transport beside
/// Foundation's `URLSession`, the transport a Swift service gets without Baton.
struct TransportBenchmark {
    static let roundTrip = "HTTP round trip, nginx 204"
    static let subject = "CurlTransport → nginx"
    static let anchorSubject = "URLSession → nginx"
    /// The group that sets the emulator's cheapest request beside the HTTP floor.
    static let floorGroup = "floor"
    static let floorRead = "point read, one entity per caller"

    func run(_ context: BenchmarkContext) async throws {
        let transportSelected = context.options.selects(group: "transport", operation: Self.roundTrip)
        let floorSelected = context.options.selectsAny(group: Self.floorGroup, of: [Self.roundTrip, Self.floorRead])
        guard transportSelected || floorSelected, let nginx = try await context.nginx() else { return }
        let url = "http://127.0.0.1:\(nginx.port)/devstoreaccount1/bench"
        let transport = CurlTransport()
        defer { transport.shutdown() }
        let request = HTTPClientRequest(method: "GET", url: url, headers: ["x-ms-version": "2019-02-02"])

        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.invalidateAndCancel() }
        var sessionRequest = URLRequest(url: URL(string: url)!)
        sessionRequest.setValue("2019-02-02", forHTTPHeaderField: "x-ms-version")
        let finalRequest = sessionRequest

        let curl = BenchmarkContext.Contender(
            subject: Self.subject, isAnchor: false, anchorSubject: Self.anchorSubject,
            operation: .suspending { _, _ in
                let response = try await transport.execute(request)
                guard response.status == 204 else { throw BenchmarkFailure("nginx answered \(response.status)") }
            })
        let urlSession = BenchmarkContext.Contender(
            subject: Self.anchorSubject, isAnchor: true,
            operation: .suspending { _, _ in
                let (_, response) = try await session.data(for: finalRequest)
                guard let status = (response as? HTTPURLResponse)?.statusCode, status == 204 else {
                    throw BenchmarkFailure("nginx answered \(response) to URLSession")
                }
            })
        for concurrency in [1, 16] {
            try await context.compare("transport", Self.roundTrip, concurrency: concurrency, [curl, urlSession])
        }

        // The emulator's cheapest request, a point read, in alternating rounds with nginx's 204
        // through the same client: how close the emulator comes to the HTTP floor.
        let table = TableClient(account: context.emulator.account, tableName: "benchfloor")
        _ = try await table.createTableIfNotExists()
        for caller in 0..<16 {
            _ = try await table.upsert(
                TableEntity(partitionKey: "floor", rowKey: "\(caller)", properties: ["Name": .string("floor")]))
        }
        let floor = BenchmarkContext.Contender(subject: Self.subject, isAnchor: true, operation: curl.operation)
        let read = BenchmarkContext.Contender(
            subject: TableBenchmark.subject, isAnchor: false, anchorSubject: Self.subject,
            operation: .suspending { caller, _ in _ = try await table.entity(partitionKey: "floor", rowKey: "\(caller)")
            },
            rowOperation: Self.floorRead, anchorOperation: Self.roundTrip)
        for concurrency in [1, 16] {
            try await context.compare(Self.floorGroup, Self.roundTrip, concurrency: concurrency, [read, floor])
        }
    }
}
