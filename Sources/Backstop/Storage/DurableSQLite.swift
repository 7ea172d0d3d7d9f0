import Foundation
import GRDB

/// How Backstop opens its SQLite files (the record, the PostgreSQL buffer): the directory made
/// if missing, a writer waits up to 10 s for another process's lock, and every commit is fsynced
/// (`synchronous = FULL`), since an answer is only given once what it acknowledges is durable.
/// A new file gets pages of ``pageSize``.
enum DurableSQLite {
    /// The page size of a new file: 8 KiB, twice SQLite's default. An Alertmanager notification
    /// is stored as a row of about 2.6 KB, so a 4 KiB page held one of them and left a third of
    /// it empty; an 8 KiB page holds three, and the notifications' table takes 2.7 KB per
    /// notification instead of 4.1 (the intake's CPU stayed within noise, 7 alternated runs).
    /// 16 KiB wrote 40% more, each commit rewriting larger partly filled pages. SQLite applies
    /// it only when it creates the file; an existing record keeps its page size (CHANGELOG.md's
    /// upgrade note says how to convert one).
    static let pageSize = 8_192

    static func configuration(creatingDirectoryOf path: String) throws -> GRDB.Configuration {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA page_size = \(pageSize)")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        return configuration
    }
}
