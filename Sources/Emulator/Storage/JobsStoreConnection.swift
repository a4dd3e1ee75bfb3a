//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

/// The jobs store's one connection.
///
/// `@unchecked Sendable` because the connection, opened with `SQLITE_OPEN_NOMUTEX`, is not
/// thread-safe, yet it is only ever reached inside the store's `Mutex.withLock`, which gives one
/// thread at a time exclusive access.
struct JobsStoreConnection: @unchecked Sendable {
    /// The connection.
    let database: SQLiteDatabase
}
