//===----------------------------------------------------------------------===//
// Baton — background work run exactly once across many service instances.
//===----------------------------------------------------------------------===//

extension SQLiteDatabase {
    /// Where a ``SQLiteDatabase`` lives and how it trades durability for speed.
    ///
    /// Start from ``init(location:)``; the defaults suit the emulator.
    package struct Configuration: Sendable, Hashable {
        /// The database file, or a private in-memory database.
        package var location: Location
        /// How hard SQLite works to make each commit survive a crash; see ``Synchronous``.
        package var synchronous: Synchronous
        /// How long a statement waits for a lock held by another connection before failing with
        /// `SQLITE_BUSY`. The default is 5 seconds.
        package var busyTimeout: Duration
        /// Whether `FOREIGN KEY` constraints are checked; SQLite's own default is off, this
        /// default on.
        package var enforcesForeignKeys: Bool
        /// Whether the connection refuses to write (`PRAGMA query_only`). Such a connection
        /// leaves the journal mode alone, so a writer must have set WAL mode on the file first.
        package var isQueryOnly: Bool

        /// A configuration for `location` with `synchronous=NORMAL`, a 5-second busy timeout,
        /// foreign keys enforced, and writing allowed.
        package init(location: Location) {
            self.location = location
            self.synchronous = .normal
            self.busyTimeout = .seconds(5)
            self.enforcesForeignKeys = true
            self.isQueryOnly = false
        }
    }

    /// Where a database lives.
    package enum Location: Sendable, Hashable, CustomStringConvertible {
        /// A database file, opened in WAL mode (the `-wal` and `-shm` files sit beside it).
        case file(path: String)
        /// A private database in memory, gone when its connection closes; other connections
        /// cannot see it.
        case inMemory

        /// The path, or `:memory:`.
        package var description: String {
            switch self {
            case .file(let path): path
            case .inMemory: ":memory:"
            }
        }
    }

    /// When a commit is forced to stable storage (`PRAGMA synchronous`).
    ///
    /// In WAL mode a commit appends the transaction's pages to the `-wal` file with `write()`
    /// calls that have all returned before `COMMIT` does. From then on the data is in the
    /// kernel's page cache, which belongs to the operating system, not to the process: if the
    /// process dies — `kill -9`, a crash, an abort — the kernel still writes those pages out,
    /// and the next connection to open the file reads them back, replaying the WAL up to its
    /// last complete commit. So with either mode, every commit that was acknowledged survives
    /// the death of the process.
    ///
    /// What the modes differ in is the death of the machine. ``normal`` does not `fsync` the
    /// WAL at each commit, only at each checkpoint, so a power loss or kernel panic can lose the
    /// last commits that were still only in the page cache; the database is not corrupted, it
    /// just rolls back to an earlier commit. ``full`` calls `fsync` on the WAL before each commit
    /// returns, which survives power loss (if the disk honours flushes) at the price of one
    /// disk flush per commit, typically milliseconds instead of microseconds.
    package enum Synchronous: Sendable, Hashable {
        /// `synchronous=NORMAL`: survives process death, not power loss. The default.
        case normal
        /// `synchronous=FULL`: survives power loss too; one `fsync` per commit.
        case full
    }
}
