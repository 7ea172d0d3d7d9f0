import BackstopCore
import BackstopInput
import BackstopTesting
import Foundation
import GRDB
import Testing

@testable import Backstop

/// A new record has pages large enough for notification rows to share one
/// (``DurableSQLite/pageSize``); a record made with SQLite's default pages keeps them and works.
@Suite struct RecordPageSizeTests {
    /// `count` copies of Alertmanager's captured body for two firing alerts (2.2 KB, over half of
    /// a 4 KiB page), each with an id and dedup key of its own.
    static func notifications(_ count: Int) throws -> [EncodedNotification] {
        let body = String(decoding: try AlertmanagerPayloadTests.fixture("firing.json"), as: UTF8.self)
        return try (0..<count).map { index in
            let id = "ntf_page_\(index)"
            var notification = try AlertmanagerPayload.notification(fromText: body, id: id, receivedAt: Date())
            notification.dedupKey = "page-\(index)"
            return EncodedNotification(notification, acceptedBody: body)
        }
    }

    static func pageSize(of writer: some DatabaseWriter) throws -> Int? {
        try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
    }

    @Test func notificationRowsOfANewRecordShareTheirPages() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        #expect(try Self.pageSize(of: store.database) == DurableSQLite.pageSize)
        let writes = try await store.appendNotifications(try Self.notifications(30))
        #expect(writes.allSatisfy { $0 == .appended })
        // SQLite's `dbstat` table: one row per page of the table's b-tree (leaves and interior).
        let pages = try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dbstat WHERE name = 'alert_notifications'")
        }
        let used = try #require(pages)
        // With 4 KiB pages each of these rows takes a page of its own: 30 or more.
        #expect(used <= 15, "30 notifications of 2.2 KB took \(used) pages of \(DurableSQLite.pageSize) bytes")
    }

    @Test func aRecordMadeWithSmallerPagesKeepsThemAndTakesNotifications() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        // A record as Backstop created it before: SQLite's default 4 KiB pages, in WAL mode.
        let before = try DatabaseQueue(path: path)
        try await before.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA page_size = 4096")
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try before.close()
        let store = try SQLiteRunStore(path: path)
        #expect(try Self.pageSize(of: store.database) == 4096)
        let writes = try await store.appendNotifications(try Self.notifications(3))
        #expect(writes == [.appended, .appended, .appended])
        let waiting = try await store.untriagedNotifications(after: nil, limit: 10)
        #expect(waiting.notifications.map(\.id) == ["ntf_page_0", "ntf_page_1", "ntf_page_2"])
    }
}
