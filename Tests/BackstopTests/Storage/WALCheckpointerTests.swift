import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

/// The record's write-ahead log is copied into the database file by a connection of its own
/// soon after each write, not by a commit that crosses SQLite's threshold (``WALCheckpointer``).
@Suite(.timeLimit(.minutes(1))) struct WALCheckpointerTests {
    /// Checkpoints as the store reports them: WAL frames, frames copied.
    static func checkpoints() -> (AsyncStream<(Int, Int)>, @Sendable (Int, Int) -> Void) {
        let (stream, continuation) = AsyncStream.makeStream(of: (Int, Int).self)
        return (stream, { continuation.yield(($0, $1)) })
    }

    @Test func aWriteReachesTheDatabaseFileWithoutTheWriterCheckpointing() async throws {
        let directory = try TemporaryDirectory()
        let (checkpoints, report) = Self.checkpoints()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"), walCheckpointed: report)
        let notifications = (1...3).map { StoreSamples.notification("ntf_\($0)", dedupKey: "group-\($0)") }
        _ = try await store.appendNotifications(notifications)
        // One write is far below SQLite's own threshold (1,000 pages): without the background
        // checkpoint the rows would stay in the WAL alone.
        for await (frames, copied) in checkpoints where frames > 0 && copied == frames { break }

        // The database file by itself, without its WAL, holds the rows.
        let copy = directory.file("copy.db")
        try FileManager.default.copyItem(atPath: directory.file("backstop.db"), toPath: copy)
        let stored = try await DatabaseQueue(path: copy).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM alert_notifications ORDER BY seq")
        }
        #expect(stored == notifications.map(\.id))
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    @Test func theWriterOnlyCheckpointsItselfFarBeyondSQLitesDefault() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let pages = try await store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(pages == WALCheckpointer.writerFallbackPages)
        #expect(pages ?? 0 > 1_000)
    }
}
