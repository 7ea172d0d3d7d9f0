import Backstop
import BackstopCore
import Foundation
import Testing

/// Decoding what a real Alertmanager (Debian's 0.25.0) sent; see Tests/Fixtures/alertmanager/README.md.
@Suite struct AlertmanagerPayloadTests {
    static func fixture(_ name: String) throws -> Data {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/alertmanager/\(name)")
        return try Data(contentsOf: url)
    }

    static let received = Date(timeIntervalSince1970: 1_795_400_000)

    @Test func aCapturedFiringNotificationDecodes() throws {
        let notification = try AlertmanagerPayload.notification(
            from: try Self.fixture("firing.json"), id: "ntf_1", receivedAt: Self.received)
        #expect(notification.status == .firing)
        #expect(notification.receiver == "backstop")
        #expect(notification.groupKey == #"{}:{alertname="BackupFailed", asset="orders-db"}"#)
        #expect(notification.alerts.count == 2)
        let first = try #require(notification.alerts.first)
        #expect(first.status == .firing)
        #expect(first.endsAt == nil, "the zero time means still firing")
        #expect(first.startsAt == RFC3339.parse("2026-11-23T09:48:44.740Z"))
        #expect(first.fingerprint == "383087702e88c9cc")
        #expect(first.labels["asset"] == "orders-db" && first.name == "BackupFailed")
        #expect(first.annotations["runbook_url"]?.hasSuffix("/runbooks/backup-failed") == true)
        #expect(first.generatorURL?.contains("g0.expr=backstop_backup_up") == true)
        #expect(notification.alerts[1].generatorURL == nil, "an empty generatorURL is no link")
    }

    @Test func theResolutionOfTheSameGroupIsANewNotificationOfTheSameAlerts() throws {
        let firing = try AlertmanagerPayload.notification(from: try Self.fixture("firing.json"), id: "ntf_1", receivedAt: Self.received)
        let resolved = try AlertmanagerPayload.notification(
            from: try Self.fixture("resolved.json"), id: "ntf_2", receivedAt: Self.received)
        #expect(resolved.status == .resolved)
        #expect(resolved.groupKey == firing.groupKey)
        #expect(resolved.dedupKey != firing.dedupKey, "a resolution is not a repeat of the firing notification")
        #expect(resolved.alerts.map(\.fingerprint) == firing.alerts.map(\.fingerprint))
        #expect(resolved.alerts.allSatisfy { $0.status == .resolved && $0.endsAt == RFC3339.parse("2026-11-23T09:48:56.885Z") })
        let again = try AlertmanagerPayload.notification(from: try Self.fixture("firing.json"), id: "ntf_3", receivedAt: Date())
        #expect(again.dedupKey == firing.dedupKey, "the same notification sent again (a retry, an HA peer) is recognised")
    }

    /// The key is stored with every notification, and a copy is recognised by it across
    /// restarts and upgrades: its text (group key, status, then each alert's fingerprint, status,
    /// start and end, sorted) must not change. Worked out apart from Backstop with Python's hashlib.
    @Test func theDedupKeyOfACapturedNotificationIsTheOneEarlierVersionsStored() throws {
        let firing = try AlertmanagerPayload.notification(from: try Self.fixture("firing.json"), id: "ntf_1", receivedAt: Self.received)
        #expect(firing.dedupKey == "8f26d83d2d53aa503f72f2401990792089f3a12f390fb5a4fc8014e143a9bd35")
    }

    @Test(arguments: [
        ("2026-11-23T09:48:44Z", 1_795_427_324.0),
        ("2026-11-23T09:48:44.7Z", 1_795_427_324.7),
        ("2026-11-23T09:48:44.123456789Z", 1_795_427_324.123),
        ("2026-11-23T10:48:44.5+01:00", 1_795_427_324.5),
    ])
    func timesWithZeroToNineFractionDigitsDecode(startsAt: String, seconds: Double) throws {
        let body = """
            {"receiver":"backstop\\\\-hooks","status":"firing","groupKey":"g","version":"5","newField":{"x":1},
             "alerts":[{"status":"firing","labels":{"alertname":"A"},"startsAt":"\(startsAt)","endsAt":"0001-01-01T00:00:00Z"}]}
            """
        let notification = try AlertmanagerPayload.notification(from: Data(body.utf8), id: "ntf_1", receivedAt: Self.received)
        let startsAtSeconds = try #require(notification.alerts.first?.startsAt.timeIntervalSince1970)
        #expect(abs(startsAtSeconds - seconds) < 0.001)
        #expect(notification.receiver == "backstop-hooks", "Alertmanager regex-escapes the receiver name")
        #expect(notification.alerts.first?.fingerprint.count == 16, "a fingerprint is derived from the labels when absent")
    }
}
