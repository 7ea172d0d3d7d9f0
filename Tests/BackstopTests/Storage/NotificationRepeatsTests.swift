import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

@testable import Backstop

/// The SQLite store finds repeats of a notification in a window of the recent record
/// (``NotificationRepeats``), not in a unique index on the whole of it.
@Suite struct NotificationRepeatsTests {
    static func notification(_ id: String, key: String, receivedAt: Date = Date()) -> EncodedNotification {
        let alert = ReceivedAlert(
            status: .firing, labels: ["alertname": "A"], startsAt: Date(timeIntervalSince1970: 0), fingerprint: "f-\(id)")
        return EncodedNotification(
            AlertNotification(
                id: id, receivedAt: receivedAt, receiver: "r", status: .firing, groupKey: "g", dedupKey: key, externalURL: nil,
                alerts: [alert]))
    }

    @Test func recentKeysForgetWhatIsOlderThanTheCutoffAndPastTheLimit() {
        var keys = RecentKeys<String>(limit: 3)
        keys.insert("a", seenAt: 0)
        keys.insert("b", seenAt: 5)
        keys.insert("a", seenAt: 9)
        #expect(keys.contains("a") && keys.contains("b") && keys.count == 2)
        // "a" keeps its first time, 0.
        keys.forget(before: 1)
        #expect(!keys.contains("a") && keys.contains("b") && keys.count == 1)
        keys.insert("c", seenAt: 10)
        keys.insert("d", seenAt: 11)
        keys.insert("e", seenAt: 12)
        #expect(keys.count == 3 && !keys.contains("b") && keys.contains("c") && keys.contains("e"))
        keys.forget(before: 100)
        #expect(keys.count == 0 && !keys.contains("e"))
    }

    @Test func aRepeatIsFoundAfterTheStoreIsOpenedAgain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let before = try SQLiteRunStore(path: path)
        #expect(
            try await before.appendNotifications([Self.notification("ntf_1", key: "k1"), Self.notification("ntf_2", key: "k2")]) == [
                .appended, .appended,
            ])
        let after = try SQLiteRunStore(path: path)
        let writes = try await after.appendNotifications([
            Self.notification("ntf_3", key: "k2"), Self.notification("ntf_4", key: "k3"), Self.notification("ntf_5", key: "k3"),
        ])
        #expect(writes == [.duplicate, .appended, .duplicate])
        #expect(try await after.untriagedNotifications().notifications.map(\.id) == ["ntf_1", "ntf_2", "ntf_4"])
    }

    @Test func aRowAnotherWriterAppendedIsSeen() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let one = try SQLiteRunStore(path: path)
        let other = try SQLiteRunStore(path: path)
        #expect(try await one.appendNotification(Self.notification("ntf_1", key: "k1")) == .appended)
        #expect(try await other.appendNotification(Self.notification("ntf_2", key: "k2")) == .appended)
        // `one` has read the record once already; the row `other` wrote since is read in its next batch.
        #expect(try await one.appendNotification(Self.notification("ntf_3", key: "k2")) == .duplicate)
        #expect(try await other.appendNotification(Self.notification("ntf_4", key: "k1")) == .duplicate)
    }

    @Test func aCopyOlderThanTheWindowIsRecordedAgainOnTheSameChain() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let store = try SQLiteRunStore(path: path)
        let twoHoursAgo = Date().addingTimeInterval(-2 * 3600)
        #expect(try await store.appendNotification(Self.notification("ntf_1", key: "old", receivedAt: twoHoursAgo)) == .appended)
        #expect(try await store.appendNotification(Self.notification("ntf_2", key: "old")) == .appended)
        #expect(try await store.appendNotification(Self.notification("ntf_3", key: "old")) == .duplicate)
        let reopened = try SQLiteRunStore(path: path)
        #expect(try await reopened.appendNotification(Self.notification("ntf_4", key: "old")) == .duplicate)
        #expect(try await reopened.untriagedNotifications().notifications.map(\.id) == ["ntf_1", "ntf_2"])
        #expect(try await reopened.verifyChains().breaks.isEmpty)
    }

    @Test func openedAgainTheWindowHoldsTheLastHourOnly() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let twoHoursAgo = Date().addingTimeInterval(-2 * 3600)
        let before = try SQLiteRunStore(path: path)
        #expect(try await before.appendNotification(Self.notification("ntf_1", key: "old", receivedAt: twoHoursAgo)) == .appended)
        let after = try SQLiteRunStore(path: path)
        #expect(try await after.appendNotification(Self.notification("ntf_2", key: "old")) == .appended)
    }

    @Test func aBatchThatFailedLeavesItsKeysFree() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        #expect(try await store.appendNotification(Self.notification("ntf_1", key: "k1")) == .appended)
        // A taken id fails the whole batch, so "k2" was not accepted.
        await #expect(throws: StoreError.self) {
            try await store.appendNotifications([Self.notification("ntf_2", key: "k2"), Self.notification("ntf_1", key: "k3")])
        }
        #expect(try await store.appendNotification(Self.notification("ntf_3", key: "k2")) == .appended)
        #expect(try await store.untriagedNotifications().notifications.map(\.id) == ["ntf_1", "ntf_3"])
    }

    @Test func aRecordWithTheUniqueIndexIsRebuiltRowForRow() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("backstop.db")
        let twoHoursAgo = Date().addingTimeInterval(-2 * 3600).timeIntervalSince1970
        let queue = try DatabaseQueue(path: path)
        try RecordSchema.migrator.migrate(queue, upTo: "v7 checks by run and asset")
        let before = try queue.write { db in
            for (id, key) in [("ntf_1", "k1"), ("ntf_2", "k2")] {
                try HashChain.append(db, table: "alert_notifications", values: [id, twoHoursAgo, "r", "firing", "g", key, "{}"])
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM alert_notifications ORDER BY seq")
        }
        try queue.close()

        let store = try SQLiteRunStore(path: path)
        let after = try store.database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM alert_notifications ORDER BY seq") }
        #expect(after == before)
        #expect(try await store.verifyChains().breaks.isEmpty)
        let indexes = try await store.database.read { db in try db.indexes(on: "alert_notifications").map(\.columns) }
        #expect(indexes == [["id"]])
        await #expect(throws: (any Error).self) {
            try await store.database.write { db in try db.execute(sql: "UPDATE alert_notifications SET dedup_key = 'x'") }
        }
        // The copied rows are older than the window: the same key is recorded again, numbered on.
        #expect(try await store.appendNotification(Self.notification("ntf_3", key: "k1")) == .appended)
        let seqs = try await store.database.read { db in try Int64.fetchAll(db, sql: "SELECT seq FROM alert_notifications ORDER BY seq") }
        #expect(seqs == [1, 2, 3])
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}
