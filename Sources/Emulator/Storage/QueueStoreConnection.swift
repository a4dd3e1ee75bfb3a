//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The queue store's one connection and its clock.
///
/// `@unchecked Sendable` because the connection (opened with `SQLITE_OPEN_NOMUTEX`) and the
/// clock's memory are not thread-safe, yet they are only ever reached inside the store's
/// `Mutex.withLock`, which gives one thread at a time exclusive access.
final class QueueStoreConnection: @unchecked Sendable {
    /// The connection.
    let database: SQLiteDatabase
    /// Reads the wall clock in milliseconds; replaced by tests.
    private let wallClock: @Sendable () -> Int64
    /// The latest time handed out, so that time never runs backwards for the queues even if
    /// the wall clock is stepped back: a message hidden until T stays hidden until T.
    private var latest: Int64 = 0

    /// Takes over a migrated connection.
    init(database: SQLiteDatabase, wallClock: @escaping @Sendable () -> Int64) {
        self.database = database
        self.wallClock = wallClock
    }

    /// The current time in milliseconds since 1970, never earlier than the last one returned.
    func now() -> Int64 {
        self.latest = max(self.latest, self.wallClock())
        return self.latest
    }
}
