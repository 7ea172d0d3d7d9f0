import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// The intake record's own guarantees.
@Suite struct AlertIntakeRecordTests {
    @Test func aTakenIdIsRefusedAndNothingIsOverwritten() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let alert = ReceivedAlert(status: .firing, labels: ["alertname": "A"], startsAt: Date(timeIntervalSince1970: 0), fingerprint: "f")
        let first = AlertNotification(
            id: "ntf_1", receivedAt: Date(), receiver: "r", status: .firing, groupKey: "g", dedupKey: "d1", externalURL: nil,
            alerts: [alert])
        #expect(try await store.appendNotification(first) == .appended)
        var sameID = first
        sameID.dedupKey = "d2"
        await #expect(throws: StoreError.self) { try await store.appendNotification(sameID) }
        var again = first
        again.id = "ntf_2"
        #expect(try await store.appendNotification(again) == .duplicate)
        #expect(try await store.untriagedNotifications().notifications == [first])
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}
