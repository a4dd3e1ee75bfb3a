//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

import Synchronization

/// Read-only connections to a WAL database, lent to one thread at a time.
///
/// In WAL mode readers do not block the writer and the writer does not block readers: each
/// read sees the database as of the last commit before it started. Giving every concurrent read
/// its own connection therefore lets queries run while writes commit, instead of queueing
/// behind the writer's lock. Connections are opened on demand, so the pool grows to the number
/// of reads that actually run at once (at most the server's thread count), and kept for reuse up
/// to ``maximumIdleConnections``.
final class SQLiteConnectionPool: Sendable {
    /// How many unused connections are kept open for later reads; more are closed on return.
    static let maximumIdleConnections = 8

    /// A connection on loan or in the idle list.
    ///
    /// `@unchecked Sendable` so that it can move between threads through the `Mutex`: the pool
    /// hands each connection to exactly one borrower at a time and does not touch it while it
    /// is on loan, which is the one-thread-at-a-time use a `SQLITE_OPEN_NOMUTEX` connection
    /// requires.
    private struct PooledConnection: @unchecked Sendable {
        let database: SQLiteDatabase
    }

    /// The pool's idle connections, and whether it has been closed.
    private struct State: Sendable {
        var idle: [PooledConnection] = []
        var isClosed = false
    }

    /// How new connections are opened; read-only (`query_only`) by construction.
    private let configuration: SQLiteDatabase.Configuration
    /// What the pool holds.
    private let state = Mutex(State())

    /// A pool of read-only connections to the database `configuration` describes, which a
    /// writer must already have created and put in WAL mode.
    init(configuration: SQLiteDatabase.Configuration) {
        var configuration = configuration
        configuration.isQueryOnly = true
        self.configuration = configuration
    }

    /// Runs `body` with a connection of its own, opening one if none is idle.
    ///
    /// - Throws: ``SQLiteError`` when the pool is closed or a connection cannot be opened, or
    ///   what `body` throws.
    func withConnection<Result>(
        _ body: (SQLiteDatabase) throws(SQLiteError) -> Result
    ) throws(SQLiteError) -> Result {
        let idle = try self.state.withLock { state throws(SQLiteError) -> PooledConnection? in
            guard !state.isClosed else {
                throw SQLiteError.closed("the table store")
            }
            return state.idle.popLast()
        }
        // Opening takes a few system calls, so it happens outside the lock.
        let connection: PooledConnection
        if let idle {
            connection = idle
        } else {
            connection = PooledConnection(database: try SQLiteDatabase(configuration: self.configuration))
        }
        defer {
            let surplus = self.state.withLock { state -> PooledConnection? in
                guard !state.isClosed, state.idle.count < Self.maximumIdleConnections else {
                    return connection
                }
                state.idle.append(connection)
                return nil
            }
            surplus?.database.close()
        }
        return try body(connection.database)
    }

    /// Closes the idle connections and refuses further loans; connections on loan are closed
    /// when they come back.
    func close() {
        let idle = self.state.withLock { state in
            state.isClosed = true
            defer { state.idle.removeAll() }
            return state.idle
        }
        for connection in idle {
            connection.database.close()
        }
    }
}
