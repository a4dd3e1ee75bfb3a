//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Foundation
public import StorageClient
import StorageCore
import Synchronization

/// A `CloudStorageTableLock`-compatible distributed lock on Azure Table Storage, without its races.
///
/// One row per key in table ``Configuration/tableName``: PartitionKey = ``Configuration/scope``,
/// RowKey = the key (escaped reversibly), with `Owner`, `Fence`, `State` and `TtlMilliseconds`.
/// Every write is conditional:
/// - acquiring a key never seen is an insert, which fails with 409 if someone got there first;
/// - taking over a free or expired row, renewing and releasing are updates with `If-Match` on
///   the ETag read, which fail with 412 if anyone wrote in between;
/// - releasing keeps the row, marked free, so the `Fence` counter is never lost and fencing
///   tokens grow across releases, expiries and emulator restarts.
///
/// A holder's lease is valid for 90 % of its TTL measured on its own monotonic clock from when
/// the acquiring request was sent. Others consider a held row expired only when the server's
/// own clock says so — the `Date` of their read against the row's server-set `Timestamp`, plus
/// ``Configuration/expiryMargin`` — or when they have watched the same ETag, unchanged, for the
/// TTL plus the margin on their own monotonic clock. No decision compares two machines' clocks.
///
/// A write whose answer never came (a timeout, a reset connection) or that got a 500 may still
/// have been applied; the lock then re-reads the row and decides by its `Owner` and `Fence`,
/// never by guessing.
public final class TableLock: Lock {
    /// The settings in force.
    public let configuration: Configuration
    /// How long ``Lock/acquire(key:ttl:timeout:)`` waits between attempts.
    public var retryTimeout: Duration { self.configuration.retryTimeout }
    /// The leases this object holds, for the pip-services operations.
    public let heldLeases = LeaseRegistry()

    private let client: TableClient
    private let tableReady = Mutex(false)
    /// Per row: the ETag last seen on a held row and when it was first seen, for expiry by
    /// observation when the server's clock is not available.
    private let observations = Mutex<[String: (etag: String, firstSeen: ContinuousClock.Instant)]>([:])
    /// Per row: the ETag and fence of this object's last release of it, so that taking the row
    /// again needs no read (see ``tryAcquire(key:ttl:)``). Taken out by the next acquisition.
    private let releasedRows = Mutex<[String: (etag: String, fence: Int64)]>([:])
    /// How many released rows are remembered; past it, the memory starts again empty (each miss
    /// costs only the read the lock would make anyway).
    private static let maximumRememberedRows = 4096

    private enum Column {
        static let owner = "Owner"
        static let fence = "Fence"
        static let state = "State"
        static let ttl = "TtlMilliseconds"
        static let key = "Key"
        static let held = "held"
        static let free = "free"
    }

    /// Creates a lock over the configured table.
    public init(configuration: Configuration, transport: any HTTPTransport = CurlTransport.shared) {
        self.configuration = configuration
        self.client = TableClient(
            account: configuration.account, tableName: configuration.tableName, transport: transport)
    }

    /// Creates a lock from a connection string, or from `AZURE_STORAGE_CONNECTION_STRING`.
    public convenience init(connectionString: String? = nil, transport: any HTTPTransport = CurlTransport.shared) throws
    {
        self.init(configuration: try Configuration(connectionString: connectionString), transport: transport)
    }

    // MARK: - Lock

    /// Takes the lock for `key` if its row is absent, free or expired.
    ///
    /// A row this object released itself is taken with one request: an `If-Match` update on the
    /// ETag its release got back. That ETag still matching proves the row is unchanged since, so
    /// still free with the remembered fence, which is exactly what a read would have shown. If
    /// anyone wrote the row meanwhile the update fails with 412 and the lock reads the row like
    /// any other.
    public func tryAcquire(key: String, ttl: Duration) async throws -> LockLease? {
        let rowKey = try LockKeyEncoding.encode(key)
        let owner = "\(self.configuration.ownerPrefix)/\(RandomIdentifier.uuidString())"
        if let released = self.releasedRows.withLock({ $0.removeValue(forKey: rowKey) }) {
            do {
                switch try await self.claim(
                    rowKey: rowKey, key: key, owner: owner, fence: released.fence + 1, ttl: ttl,
                    replacing: released.etag)
                {
                case .acquired(let lease): return lease
                case .notAcquired: return nil
                case .rowChanged: break
                }
            } catch let error as StorageError where error.code == .tableNotFound {
                // Deleted since the release; the read below recreates it.
            }
        }

        let existing = try await self.withTable {
            try await self.client.entityIfExists(partitionKey: self.configuration.scope, rowKey: rowKey)
        }
        let outcome: ClaimOutcome
        if let existing {
            guard self.isFree(existing, rowKey: rowKey) else { return nil }
            outcome = try await self.claim(
                rowKey: rowKey, key: key, owner: owner, fence: Self.fence(of: existing.entity) + 1, ttl: ttl,
                replacing: existing.etag)
        } else {
            outcome = try await self.claim(rowKey: rowKey, key: key, owner: owner, fence: 1, ttl: ttl, replacing: nil)
        }
        if case .acquired(let lease) = outcome { return lease }
        return nil
    }

    /// What one conditional write taking a row produced.
    private enum ClaimOutcome {
        /// The write landed: the lock is ours.
        case acquired(LockLease)
        /// Someone else wrote the row first (409, 412 or 404).
        case rowChanged
        /// The write's answer was lost and a re-read showed the row is not ours.
        case notAcquired
    }

    /// Writes the row as held by `owner` with `fence`: an insert when `etag` is `nil`, else a
    /// replace conditional on it.
    private func claim(
        rowKey: String, key: String, owner: String, fence: Int64, ttl: Duration, replacing etag: String?
    ) async throws -> ClaimOutcome {
        let entity = self.row(rowKey: rowKey, key: key, owner: owner, fence: fence, ttl: ttl, state: Column.held)
        let sentAt = ContinuousClock.now
        let written: TableWriteResult
        do {
            if let etag {
                written = try await self.client.update(entity, mode: .replace, ifMatch: .etag(etag))
            } else {
                written = try await self.client.insert(entity)
            }
        } catch let error as StorageError where Self.isLostRace(error) {
            return .rowChanged
        } catch  where StorageRetryPolicy.mayHaveBeenApplied(error) {
            // The write may have been applied: the row's owner says whether it was.
            guard let row = try await self.reread(rowKey: rowKey), Self.owner(of: row.entity) == owner,
                Self.state(of: row.entity) == Column.held
            else { return .notAcquired }
            return .acquired(
                LockLease(
                    key: key, owner: owner, fencingToken: Self.fence(of: row.entity), ttl: ttl, version: row.etag,
                    sentAt: sentAt, lock: self))
        }
        self.observations.withLock { $0[rowKey] = nil }
        return .acquired(
            LockLease(
                key: key, owner: owner, fencingToken: fence, ttl: ttl, version: written.etag, sentAt: sentAt,
                lock: self))
    }

    /// Extends `lease` with an `If-Match` update on its last ETag.
    public func renew(_ lease: LockLease) async throws {
        let rowKey = try LockKeyEncoding.encode(lease.key)
        let entity = self.row(
            rowKey: rowKey, key: lease.key, owner: lease.owner, fence: lease.fencingToken, ttl: lease.ttl,
            state: Column.held)
        let sentAt = ContinuousClock.now
        do {
            let written = try await self.client.update(entity, mode: .replace, ifMatch: .etag(lease.version))
            lease.markRenewed(version: written.etag, sentAt: sentAt)
        } catch let error as StorageError where Self.isLostRace(error) {
            lease.markLost()
            throw LockError.leaseLost(key: lease.key, reason: "another holder took the lock over")
        } catch  where StorageRetryPolicy.mayHaveBeenApplied(error) {
            guard let row = try await self.reread(rowKey: rowKey) else { throw error }
            guard Self.owner(of: row.entity) == lease.owner, Self.fence(of: row.entity) == lease.fencingToken,
                Self.state(of: row.entity) == Column.held
            else {
                lease.markLost()
                throw LockError.leaseLost(key: lease.key, reason: "another holder took the lock over")
            }
            // Still ours. A changed ETag means our renewal landed; an unchanged one means it did
            // not, and the lease keeps its old validity for the next beat to retry.
            if row.etag != lease.version {
                lease.markRenewed(version: row.etag, sentAt: sentAt)
            }
        }
    }

    /// Marks the row free with an `If-Match` update on the lease's ETag, keeping its `Fence`.
    public func release(_ lease: LockLease) async throws {
        let rowKey = try LockKeyEncoding.encode(lease.key)
        var version = lease.version
        for _ in 0..<3 {
            let entity = self.row(
                rowKey: rowKey, key: lease.key, owner: "", fence: lease.fencingToken, ttl: .zero, state: Column.free)
            do {
                let written = try await self.client.update(entity, mode: .replace, ifMatch: .etag(version))
                self.rememberReleased(rowKey: rowKey, etag: written.etag, fence: lease.fencingToken)
                lease.markReleased()
                return
            } catch let error as StorageError where Self.isLostRace(error) {
                // Someone else holds it now: there is nothing of ours to release.
                lease.markLost()
                return
            } catch  where StorageRetryPolicy.mayHaveBeenApplied(error) {
                guard let row = try await self.reread(rowKey: rowKey) else { throw error }
                guard Self.owner(of: row.entity) == lease.owner, Self.state(of: row.entity) == Column.held else {
                    // Released by our write after all, or taken over meanwhile.
                    lease.markReleased()
                    return
                }
                version = row.etag
            }
        }
        throw LockError.leaseLost(key: lease.key, reason: "the release could not be confirmed")
    }

    private func rememberReleased(rowKey: String, etag: String, fence: Int64) {
        self.releasedRows.withLock { rows in
            if rows.count >= Self.maximumRememberedRows { rows.removeAll() }
            rows[rowKey] = (etag, fence)
        }
    }

    // MARK: - Rows

    private func row(rowKey: String, key: String, owner: String, fence: Int64, ttl: Duration, state: String)
        -> TableEntity
    {
        let (seconds, attoseconds) = ttl.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return TableEntity(
            partitionKey: self.configuration.scope, rowKey: rowKey,
            properties: [
                Column.owner: .string(owner), Column.fence: .int64(fence), Column.state: .string(state),
                Column.ttl: .int64(milliseconds), Column.key: .string(key),
            ])
    }

    private static func owner(of entity: TableEntity) -> String? {
        if case .string(let owner)? = entity.properties[Column.owner] { return owner }
        return nil
    }

    private static func state(of entity: TableEntity) -> String? {
        if case .string(let state)? = entity.properties[Column.state] { return state }
        return nil
    }

    private static func fence(of entity: TableEntity) -> Int64 {
        switch entity.properties[Column.fence] {
        case .int64(let fence)?: fence
        case .int32(let fence)?: Int64(fence)
        default: 0
        }
    }

    private static func ttl(of entity: TableEntity) -> Duration {
        switch entity.properties[Column.ttl] {
        case .int64(let milliseconds)?: .milliseconds(milliseconds)
        case .int32(let milliseconds)?: .milliseconds(Int64(milliseconds))
        default: .zero
        }
    }

    /// Whether a row read now may be taken: free, or held past its TTL by the server's clock or
    /// by our own observation of an unchanged ETag.
    private func isFree(_ read: TableReadResult, rowKey: String) -> Bool {
        guard Self.state(of: read.entity) == Column.held else { return true }
        let ttl = Self.ttl(of: read.entity)
        let margin = self.configuration.expiryMargin
        if let serverNow = read.serverDate, let written = read.entity.timestamp {
            // `Date` has whole seconds, truncated: serverNow errs early, so this errs towards "held".
            let heldFor = serverNow.timeIntervalSince(written.date)
            if heldFor >= Self.seconds(ttl + margin) { return true }
        }
        let now = ContinuousClock.now
        return self.observations.withLock { observations in
            if let seen = observations[rowKey], seen.etag == read.etag {
                return now - seen.firstSeen >= ttl + margin
            }
            observations[rowKey] = (read.etag, now)
            return false
        }
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    // MARK: - Store access

    /// 409 on insert, 412 on a conditional update, 404 when the row vanished: someone else won.
    private static func isLostRace(_ error: StorageError) -> Bool {
        error.code == .entityAlreadyExists || error.code == .updateConditionNotSatisfied
            || error.code == .resourceNotFound
    }

    /// Reads the row after an ambiguous write, retrying briefly while the store does not answer.
    private func reread(rowKey: String) async throws -> TableReadResult? {
        var attempt = 0
        while true {
            do {
                return try await self.client.entityIfExists(partitionKey: self.configuration.scope, rowKey: rowKey)
            } catch let error as TransportError where attempt < 3 {
                attempt += 1
                _ = error
                try await Task.sleep(for: self.retryTimeout * attempt)
            }
        }
    }

    /// Runs `operation`, creating the table first if it is missing (once per lock object, and
    /// again if it was deleted meanwhile).
    private func withTable<Result: Sendable>(_ operation: () async throws -> Result) async throws -> Result {
        if !self.tableReady.withLock({ $0 }) {
            try await self.client.createTableIfNotExists()
            self.tableReady.withLock { $0 = true }
        }
        do {
            return try await operation()
        } catch let error as StorageError where error.code == .tableNotFound {
            try await self.client.createTableIfNotExists()
            return try await operation()
        }
    }
}
