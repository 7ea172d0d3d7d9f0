import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

@testable import Backstop

/// A new SQLite file gets 8 KiB pages (``DurableSQLite/pageSize``); an existing record keeps
/// the page size it was created with, and converts as the CHANGELOG's upgrade note says.
@Suite struct PageSizeTests {
    static func pageSize(_ store: SQLiteRunStore) async throws -> Int? {
        try await store.database.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") }
    }

    /// Opens the store at `path`, appends one notification and closes the file; returns its page size.
    static func recordANotification(at path: String) async throws -> Int? {
        let store = try SQLiteRunStore(path: path)
        #expect(try await store.appendNotification(NotificationRepeatsTests.notification("ntf_1", key: "k1")) == .appended)
        let size = try await pageSize(store)
        try store.close()
        return size
    }

    @Test func aNewRecordHasEightKiBPagesAndHoldsThreeNotificationsInOne() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        #expect(try await Self.pageSize(store) == 8_192)
        let notifications = (1...30).map { index in
            NotificationRepeatsTests.notification(
                "ntf_\(index)", key: "k\(index)", body: String(repeating: "x", count: 2_100))
        }
        #expect(try await store.appendNotifications(notifications).allSatisfy { $0 == .appended })
        let leaves = try await store.database.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dbstat WHERE name = 'alert_notifications' AND pagetype = 'leaf'")
        }
        // 4 KiB pages held one notification of this size each (30 leaves).
        #expect(try #require(leaves) <= 11)
    }

    @Test func aRecordCreatedWithFourKiBPagesKeepsThemAndConvertsAsTheUpgradeNoteSays() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        // A record made by an earlier version: SQLite's default page size.
        let earlier = try DatabaseQueue(path: path)
        try await earlier.write { db in try db.execute(sql: "PRAGMA page_size = 4096; CREATE TABLE made_before (x)") }
        try earlier.close()
        #expect(try await Self.recordANotification(at: path) == 4_096, "opening a record must not try to change its page size")

        // The upgrade note's conversion, with Backstop stopped.
        let converting = try DatabaseQueue(path: path)
        try await converting.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE; PRAGMA page_size = 8192; VACUUM; PRAGMA journal_mode = WAL")
        }
        try converting.close()
        let converted = try SQLiteRunStore(path: path)
        #expect(try await Self.pageSize(converted) == 8_192)
        let chains = try await converted.verifyChains()
        #expect(chains.breaks.isEmpty && chains.rows > 0, "the conversion keeps every row and its hash")
        #expect(try await converted.appendNotification(NotificationRepeatsTests.notification("ntf_1", key: "k1")) == .duplicate)
    }
}
