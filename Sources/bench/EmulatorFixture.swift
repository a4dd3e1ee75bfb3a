//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Emulator
import Foundation
import StorageCore

/// An in-process emulator on a free port over a temporary directory — on disk, as users run it.
final class EmulatorFixture {
    let emulator: StorageEmulator
    let location: URL
    let account: StorageAccount
    /// The account with the Queue endpoint, when the fixture serves queues.
    let queueAccount: StorageAccount?

    init(queue: Bool = false) throws {
        self.location = FileManager.default.temporaryDirectory.appendingPathComponent(
            "baton-bench-\(UUID().uuidString)")
        var configuration = StorageEmulator.Configuration()
        configuration.jobsPort = nil
        configuration.tablePort = 0
        configuration.queuePort = queue ? 0 : nil
        configuration.location = self.location
        configuration.logLevel = .silent
        self.emulator = try StorageEmulator(configuration: configuration)
        guard let table = self.emulator.endpoints.first(where: { $0.service == "Table" }),
            case .sharedKey(let key) = StorageAccount.developmentStorage.credential
        else { throw BenchmarkFailure(status: 0) }
        let base = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + key.base64EncodedString
        self.account = try StorageAccount(connectionString: base + ";TableEndpoint=\(table.url.absoluteString)")
        if let queueEndpoint = self.emulator.endpoints.first(where: { $0.service == "Queue" }) {
            self.queueAccount = try StorageAccount(
                connectionString: base + ";QueueEndpoint=\(queueEndpoint.url.absoluteString)")
        } else {
            self.queueAccount = nil
        }
    }

    deinit {
        self.emulator.shutdown()
        try? FileManager.default.removeItem(at: self.location)
    }
}
