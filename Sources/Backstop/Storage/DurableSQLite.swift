import Foundation
import GRDB

/// How Backstop opens its SQLite files (the record, the PostgreSQL buffer): the directory made
/// if missing, a writer waits up to 10 s for another process's lock, and every commit is fsynced
/// (`synchronous = FULL`), since an answer is only given once what it acknowledges is durable.
enum DurableSQLite {
    static func configuration(creatingDirectoryOf path: String) throws -> GRDB.Configuration {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var configuration = GRDB.Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return configuration
    }
}
