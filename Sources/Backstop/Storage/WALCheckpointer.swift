import Dispatch
import GRDB
import GRDBSQLite
import Synchronization

/// What one background checkpoint did (``WALCheckpointer``), for tests and diagnostics.
package struct WALCheckpointReport: Sendable, Equatable {
    /// Frames in the WAL when the checkpoint ran.
    package var walFrames: Int
    /// Frames copied into the database file so far (SQLite's `nBackfill`).
    package var copied: Int
    /// The checkpointer flushed the copied pages to disk itself (``WALCheckpointer``).
    package var syncedDatabaseFile: Bool
}

/// Copies the record's write-ahead log back into the database file on a connection of its own,
/// shortly after writes, instead of in the commit that happens to cross SQLite's threshold.
///
/// SQLite's automatic checkpoint runs inside a commit: under a webhook storm every few hundred
/// commits one of them also wrote about a thousand pages and fsynced the database file, and
/// every request waiting for that commit waited with it (intake p99 23 ms, 14 ms without it).
/// A passive checkpoint on another connection takes no write lock, so commits go on meanwhile.
/// The writer keeps a fallback threshold (``writerFallbackPages``) in case this one falls behind.
///
/// SQLite fsyncs the database file only after a checkpoint that reached the WAL's end, and
/// under a storm a passive checkpoint never does (commits land while it copies): the copied pages stayed
/// dirty in the page cache until the checkpoint that finally caught up, the writer's own at
/// ``writerFallbackPages``, which then flushed all of them inside a commit (10–28 ms, growing
/// with the file: intake p99 27 ms with triage held back). So after each checkpoint this
/// connection fsyncs the database file itself, off the commit path; the catching-up
/// checkpoint has only the last few pages left to flush (p99 7.8 ms, the same load).
package final class WALCheckpointer: Sendable {
    /// The writer's own automatic checkpoint, from this many WAL pages: 10 times SQLite's default.
    package static let writerFallbackPages = 10_000

    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "backstop.wal-checkpoint", qos: .utility)
    private let pending = Atomic<Bool>(false)
    private let delay: DispatchTimeInterval
    /// Told of each checkpoint (tests wait on it).
    private let checkpointed: (@Sendable (WALCheckpointReport) -> Void)?

    init(
        path: String, configuration: GRDB.Configuration, delay: DispatchTimeInterval = .milliseconds(10),
        checkpointed: (@Sendable (WALCheckpointReport) -> Void)? = nil
    ) throws {
        connection = try DatabaseQueue(path: path, configuration: configuration)
        self.delay = delay
        self.checkpointed = checkpointed
    }

    /// A write committed: a checkpoint runs within `delay`, one for all the writes until then.
    func writeCommitted() {
        guard pending.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        queue.asyncAfter(deadline: .now() + delay) { [self] in
            pending.store(false, ordering: .releasing)
            // A checkpoint that fails (another one running, the file gone after a test) leaves
            // the frames in the WAL, where readers find them, for the next one or the writer's.
            let report = try? connection.writeWithoutTransaction { db in
                let result = try db.checkpoint(.passive)
                // Whether SQLite flushed the file itself cannot be told from the result (its
                // counts are as of the checkpoint's start), and a flush with nothing dirty costs
                // next to nothing, so every checkpoint that copied anything is flushed.
                return WALCheckpointReport(
                    walFrames: result.walFrameCount, copied: result.checkpointedFrameCount,
                    syncedDatabaseFile: result.checkpointedFrameCount > 0 && Self.syncDatabaseFile(db))
            }
            if let report { checkpointed?(report) }
        }
    }

    /// Fsyncs the connection's database file through SQLite's own file handle (its VFS), so
    /// the data reaches the disk as SQLite would write it. A separate descriptor would do the
    /// same flush, but closing one drops every POSIX lock this process holds on the file, which
    /// SQLite's locking relies on. A failed flush loses nothing: the frames stay in the WAL,
    /// and the checkpoint that reaches the WAL's end flushes the file again before reusing it.
    private static func syncDatabaseFile(_ db: Database) -> Bool {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
            let file, let sync = file.pointee.pMethods?.pointee.xSync
        else { return false }
        return sync(file, SQLITE_SYNC_NORMAL) == SQLITE_OK
    }
}
