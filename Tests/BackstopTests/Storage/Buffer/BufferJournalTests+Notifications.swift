import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Testing

/// A buffered notification keeps the body the webhook accepted, for the drain to store; a
/// buffer written before bodies were kept is still read.
extension BufferJournalTests {
    @Test func aBufferedNotificationKeepsItsAcceptedBody() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("buffer.db")
        let body = AlertIntakeConformanceTests.acceptedBody
        let notification = try AlertmanagerPayload.notification(from: Data(body.utf8), id: "ntf_1", receivedAt: StoreSamples.now)
        let accepted = EncodedNotification(notification, acceptedBody: body)
        #expect(try BufferJournal(path: path).append([.notification(accepted)], at: StoreSamples.now) { _ in } == [true])
        let entries = try BufferJournal(path: path).oldest(limit: 10)
        #expect(entries.map(\.item) == [.notification(accepted)])
        guard case .notification(let read) = entries.first?.item else { throw BufferTestError.notANotification }
        #expect(read.json == body)
    }

    @Test func aNotificationBufferedBeforeBodiesWereKeptIsStillRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("buffer.db")
        _ = try BufferJournal(path: path)
        let notification = StoreSamples.notification("ntf_old", dedupKey: "old")
        // What an earlier Backstop wrote: the notification's own JSON as the item's body.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: "INSERT INTO pending (kind, item_key, accepted_at, body) VALUES ('notification', 'old', 0, ?)",
                arguments: [try JSONEncoder().encode(notification)])
        }
        let entries = try BufferJournal(path: path).oldest(limit: 10)
        guard case .notification(let read) = entries.first?.item, entries.count == 1 else { throw BufferTestError.notANotification }
        // Its JSON is encoded again, keys in whatever order Foundation writes them.
        #expect(read.notification == notification)
    }

    enum BufferTestError: Error { case notANotification }
}
