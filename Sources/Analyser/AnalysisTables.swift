//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
import StorageClient
import StorageCore

/// The analyser's two tables: results (`analyses`, insert-only) and the run log (`analyserruns`).
struct AnalysisTables: Sendable {
    private let results: TableClient
    private let runs: TableClient

    init(connection: AnalyserConnection) {
        self.results = connection.table(AnalyserConnection.analysesTableName)
        self.runs = connection.table(AnalyserConnection.runsTableName)
    }

    /// Creates both tables unless they exist.
    func create() async throws {
        _ = try await self.results.createTableIfNotExists()
        _ = try await self.runs.createTableIfNotExists()
    }

    /// Inserts the analysis of `fileName`; never replaces an existing one.
    func record(
        _ analysis: ImageAnalysis, fileName: String, strategy: AnalysisStrategy, worker: String, fence: Int64?
    ) async throws -> RecordOutcome {
        var properties: EntityProperties = [
            "Format": .string(analysis.format?.rawValue ?? "unknown"),
            "Width": .int32(Int32(clamping: analysis.width)),
            "Height": .int32(Int32(clamping: analysis.height)),
            "Bytes": .int64(Int64(analysis.byteCount)),
            "Sha256": .string(analysis.sha256),
            "Worker": .string(worker),
            "AnalysedAt": .dateTime(PreciseTimestamp.now()),
        ]
        if let failure = analysis.failure { properties["Error"] = .string(failure) }
        if let fence { properties["Fence"] = .int64(fence) }
        // Tells our own insert from another worker's when an answer was lost (see below).
        let recordId = UUID().uuidString.lowercased()
        properties["RecordId"] = .string(recordId)
        let entity = TableEntity(
            partitionKey: strategy.rawValue, rowKey: TableKeyEscaping.escape(fileName), properties: properties)
        var ambiguous = false
        for attempt in 1...Self.maximumAttempts {
            do {
                _ = try await self.results.insert(entity)
                return .recorded
            } catch let error as StorageError where error.code == .entityAlreadyExists {
                // After an attempt whose answer was lost, the row may be that attempt's own.
                guard ambiguous else { return .duplicate }
                let row = try await self.results.entity(partitionKey: entity.partitionKey, rowKey: entity.rowKey)
                return row.entity.properties["RecordId"] == .string(recordId) ? .recorded : .duplicate
            } catch  where StorageRetryPolicy.mayHaveBeenApplied(error) && attempt < Self.maximumAttempts {
                // Insert-only: repeating the insert cannot apply twice, so it is how to find out.
                ambiguous = true
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
        preconditionFailure("The last attempt returns or throws.")
    }

    /// How many times an insert whose answer was lost is sent.
    private static let maximumAttempts = 4

    /// The names of the files analysed under `strategy`.
    func recordedNames(strategy: AnalysisStrategy) async throws -> Set<String> {
        var names = Set<String>()
        let query = self.results.query(filter: .equal("PartitionKey", .string(strategy.rawValue)), select: ["RowKey"])
        for try await entity in query {
            names.insert(TableKeyEscaping.unescape(entity.rowKey) ?? entity.rowKey)
        }
        return names
    }

    /// Every result row of `strategy`, by file name.
    func results(strategy: AnalysisStrategy) async throws -> [String: TableEntity] {
        var rows: [String: TableEntity] = [:]
        for try await entity in self.results.query(filter: .equal("PartitionKey", .string(strategy.rawValue))) {
            rows[TableKeyEscaping.unescape(entity.rowKey) ?? entity.rowKey] = entity
        }
        return rows
    }

    /// Adds a run to the log.
    func log(_ run: RunRecord) async throws {
        var properties: EntityProperties = [
            "Worker": .string(run.worker),
            "StartedAt": .dateTime(run.startedAt),
            "FinishedAt": .dateTime(run.finishedAt),
            "Files": .int32(Int32(clamping: run.files)),
            "Duplicates": .int32(Int32(clamping: run.duplicates)),
        ]
        if let fence = run.fence { properties["Fence"] = .int64(fence) }
        let entity = TableEntity(partitionKey: run.strategy.rawValue, rowKey: run.id, properties: properties)
        for attempt in 1...Self.maximumAttempts {
            do {
                _ = try await self.runs.insert(entity)
                return
            } catch let error as StorageError where error.code == .entityAlreadyExists && attempt > 1 {
                // The run's id is a fresh UUID: the row is the lost answer's own insert.
                return
            } catch  where StorageRetryPolicy.mayHaveBeenApplied(error) && attempt < Self.maximumAttempts {
                try await Task.sleep(for: .milliseconds(100 * attempt))
            }
        }
    }

    /// Every run of `strategy`, in start order.
    func runs(strategy: AnalysisStrategy) async throws -> [RunRecord] {
        var records: [RunRecord] = []
        for try await entity in self.runs.query(filter: .equal("PartitionKey", .string(strategy.rawValue))) {
            let properties = entity.properties
            func integer(_ name: String) -> Int64? {
                switch properties[name] {
                case .int32(let value)?: Int64(value)
                case .int64(let value)?: value
                default: nil
                }
            }
            func time(_ name: String) -> PreciseTimestamp {
                if case .dateTime(let value)? = properties[name] { return value }
                return PreciseTimestamp(ticksSinceEpoch: 0)
            }
            var worker = ""
            if case .string(let value)? = properties["Worker"] { worker = value }
            records.append(
                RunRecord(
                    strategy: strategy, id: entity.rowKey, worker: worker, fence: integer("Fence"),
                    startedAt: time("StartedAt"), finishedAt: time("FinishedAt"), files: Int(integer("Files") ?? 0),
                    duplicates: Int(integer("Duplicates") ?? 0)))
        }
        return records.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }
}
