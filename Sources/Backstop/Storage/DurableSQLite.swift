import Foundation
import GRDB

/// How Backstop opens its SQLite files (the record, the PostgreSQL buffer): the directory made
/// if missing, a writer waits up to 10 s for another process's lock, and every commit is fsynced
/// (`synchronous = FULL`), since an answer is only given once what it acknowledges is durable.
///
/// A pool is opened with ``pool(at:configuration:)``, never with `DatabasePool(path:)` alone:
/// when a pool turns WAL on, after the configuration's setup has run, GRDB sets
/// `synchronous = NORMAL` on its writer, with which SQLite syncs the WAL only at checkpoints. A
/// commit then survives a kill of the process (it is in the kernel's page cache) but not a power
/// cut or a crash of the host.
enum DurableSQLite {
    static func configuration(creatingDirectoryOf path: String) throws -> GRDB.Configuration {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return configuration
    }

    /// Opens a pool (WAL) whose writer fsyncs the WAL at every commit: `FULL` set again after GRDB's `NORMAL`.
    static func pool(at path: String, configuration: GRDB.Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }
}
