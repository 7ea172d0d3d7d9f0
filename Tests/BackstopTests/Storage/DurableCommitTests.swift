import BackstopTesting
import GRDB
import Testing

@testable import Backstop

/// What the record acknowledges is on disk: its writer fsyncs the write-ahead log at every commit
/// (`synchronous = FULL`). GRDB's pool sets `NORMAL` when it turns WAL on, after the
/// configuration's own setup, which with WAL syncs only at checkpoints: a commit then survives a
/// kill of the process but not a power cut (``DurableSQLite``).
@Suite struct DurableCommitTests {
    /// SQLite's value for `FULL` (https://sqlite.org/pragma.html#pragma_synchronous).
    static let full = 2

    @Test func theRecordsWriterSyncsEveryCommit() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let writer = try await store.database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let journal = try await store.database.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        #expect(writer == Self.full, "the writer commits without an fsync (synchronous = \(String(describing: writer)))")
    }

    /// The PostgreSQL outage buffer opens a `DatabaseQueue` and turns WAL on itself, which
    /// leaves the configuration's `FULL` as it is; this keeps it so if that ever changes.
    @Test func theOutageBufferSyncsEveryCommit() throws {
        let directory = try TemporaryDirectory()
        let buffer = try BufferJournal(path: directory.file("buffer.db"))
        let setting = try buffer.queue.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        let journal = try buffer.queue.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        #expect(setting == Self.full, "the buffer commits without an fsync (synchronous = \(String(describing: setting)))")
    }
}
