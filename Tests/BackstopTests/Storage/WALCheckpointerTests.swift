import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

@testable import Backstop

/// The record's write-ahead log is copied into the database file by a connection of its own
/// soon after each write, not by a commit that crosses SQLite's threshold (``WALCheckpointer``).
@Suite(.timeLimit(.minutes(1))) struct WALCheckpointerTests {
    /// Checkpoints as the store reports them.
    static func checkpoints() -> (AsyncStream<WALCheckpointReport>, @Sendable (WALCheckpointReport) -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: WALCheckpointReport.self)
        return (stream, { continuation.yield($0) })
    }

    @Test func aWriteReachesTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let directory = try TemporaryDirectory()
        let (checkpoints, report) = Self.checkpoints()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"), walCheckpointed: report)
        let notifications = (1...3).map { StoreSamples.notification("ntf_\($0)", dedupKey: "group-\($0)") }
        _ = try await store.appendNotifications(notifications)
        // One write is far below SQLite's own threshold (1,000 pages): without the background
        // checkpoint the rows would stay in the WAL alone.
        for await checkpoint in checkpoints where checkpoint.walFrames > 0 && checkpoint.copied == checkpoint.walFrames { break }

        // The database file by itself, without its WAL, holds the rows.
        let copy = directory.file("copy.db")
        try FileManager.default.copyItem(atPath: directory.file("backstop.db"), toPath: copy)
        let stored = try await DatabaseQueue(path: copy).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM alert_notifications ORDER BY seq")
        }
        #expect(stored == notifications.map(\.id))
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    /// Under a storm no passive checkpoint reaches the WAL's end, and SQLite only fsyncs the
    /// database file after one that does; the checkpointer flushes what it copied itself, so the
    /// checkpoint that finally catches up (in a commit) has little left to flush. A reader on an
    /// older snapshot stops the checkpoint short here, as commits landing meanwhile do in a storm.
    @Test func aCheckpointThatStopsShortOfTheWALsEndIsFlushedAllTheSame() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try await pool.write { db in
            try db.execute(sql: "CREATE TABLE notes (text TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO notes VALUES ('before the reader')")
        }
        var unsafe = Configuration()
        unsafe.allowsUnsafeTransactions = true  // the reader's transaction spans two accesses
        let reader = try DatabaseQueue(path: path, configuration: unsafe)
        let seen = try await reader.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN")
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notes")
        }
        #expect(seen == 1)
        try await pool.write { db in try db.execute(sql: "INSERT INTO notes VALUES ('after the reader')") }

        let (checkpoints, report) = Self.checkpoints()
        let checkpointer = try WALCheckpointer(path: path, configuration: Configuration(), delay: .milliseconds(0), checkpointed: report)
        checkpointer.writeCommitted()
        for await checkpoint in checkpoints {
            #expect(checkpoint.copied > 0)
            #expect(checkpoint.copied < checkpoint.walFrames)
            #expect(checkpoint.syncedDatabaseFile)
            break
        }
        try await reader.writeWithoutTransaction { db in try db.execute(sql: "COMMIT") }
    }

    @Test func theWriterOnlyCheckpointsItselfFarBeyondSQLitesDefault() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let pages = try await store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(pages == WALCheckpointer.writerFallbackPages)
        #expect(pages ?? 0 > 1_000)
    }
}
