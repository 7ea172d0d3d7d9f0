import CSQLiteSetup
import Foundation
import GRDB

/// How Backstop opens its SQLite files (the record, the PostgreSQL buffer): the directory made
/// if missing, a writer waits up to 10 s for another process's lock, and every commit is fsynced
/// (`synchronous = FULL`), since an answer is only given once what it acknowledges is durable,
/// and a new file gets pages of ``pageSize``.
///
/// A pool is opened with ``pool(at:configuration:)``, never with `DatabasePool(path:)` alone:
/// when a pool turns WAL on, after the configuration's setup has run, GRDB sets
/// `synchronous = NORMAL` on its writer, with which SQLite syncs the WAL only at checkpoints. A
/// commit then survives a kill of the process (it is in the kernel's page cache) but not a power
/// cut or a crash of the host.
enum DurableSQLite {
    /// The page size of a new file, twice SQLite's default. A notification row is its body plus
    /// about 300 bytes (an Alertmanager notification with two alerts: 2.2 KB), and a row over half
    /// a page cannot share one: with 4 KiB pages each such row filled a page alone, with 8 KiB
    /// three share one, so a commit writes fewer WAL frames and the checkpoint copies fewer
    /// pages (the figures: docs/ARCHITECTURE.md, "Group commit"). SQLite fixes the size when a
    /// file is created, so a record made before keeps 4 KiB pages and works as it did
    /// (docs/CONFIGURATION.md, `storage`, says how to convert one).
    static let pageSize = 8192

    /// Called once, first thing in the process (``BackstopCommand/prepareProcess()``): SQLite
    /// then allocates a connection's cached pages as it reads them, not its first 20 in one
    /// block. With 8 KiB pages that block (about 165 KB) is over malloc's threshold for a
    /// mapping of its own, so each connection (the writer, the checkpointer, each reader) kept
    /// one mostly touched: an idle `serve` with 10 assets held 0.4–0.6 MiB more anonymous memory
    /// than with 4 KiB pages, past the 30 MiB goal (docs/MEMORY.md). Made once SQLite is in use, the
    /// call would change nothing.
    static func allocatePagesAsRead() {
        _ = backstop_sqlite_allocate_pages_as_read()
    }

    static func configuration(creatingDirectoryOf path: String) throws -> GRDB.Configuration {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        // `page_size` only takes effect on a file that has no table yet; on any other it is a no-op.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = \(pageSize); PRAGMA synchronous = FULL") }
        return configuration
    }

    /// Opens a pool (WAL) whose writer fsyncs the WAL at every commit: `FULL` set again after GRDB's `NORMAL`.
    static func pool(at path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }
}
