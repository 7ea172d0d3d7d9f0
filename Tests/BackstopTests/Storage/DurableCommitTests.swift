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

    /// The writer's `synchronous` and journal mode, read on the connection that commits.
    static func settings(of writer: some DatabaseWriter) throws -> (synchronous: Int?, journal: String?) {
        try writer.writeWithoutTransaction { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
    }

    @Test func theRecordsWriterSyncsEveryCommit() throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let writer = try Self.settings(of: store.database)
        #expect(writer.journal == "wal")
        #expect(
            writer.synchronous == Self.full, "the writer commits without an fsync (synchronous = \(String(describing: writer.synchronous)))"
        )
    }

    /// The PostgreSQL outage buffer opens a `DatabaseQueue` and turns WAL on itself, which
    /// leaves the configuration's `FULL` as it is; this keeps it so if that ever changes.
    @Test func theOutageBufferSyncsEveryCommit() throws {
        let directory = try TemporaryDirectory()
        let buffer = try Self.settings(of: BufferJournal(path: directory.file("buffer.db")).queue)
        #expect(buffer.journal == "wal")
        #expect(
            buffer.synchronous == Self.full, "the buffer commits without an fsync (synchronous = \(String(describing: buffer.synchronous)))"
        )
    }
}
