import BackstopTesting
import GRDB
import Testing

@testable import Backstop

/// The record's writer keeps a larger page cache than its readers (``SQLiteRunStore/writerCacheKiB``):
/// every notification stored touches a random page of the dedup index.
@Suite struct WriterCacheTests {
    @Test func theWriterCachesSixteenMiBAndTheReadersSQLitesDefault() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let writer = try await store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        let reader = try await store.database.read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        // SQLite's own default, as this build of the library has it (2 MiB on Debian's).
        let sqliteDefault = try await DatabaseQueue().read { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") }
        #expect(writer == -SQLiteRunStore.writerCacheKiB)
        #expect(writer == -16_384)
        #expect(reader == sqliteDefault, "a reader took the writer's cache")
        #expect(writer != sqliteDefault)
    }
}
