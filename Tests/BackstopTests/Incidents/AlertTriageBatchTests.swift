import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// Notifications triaged as one batch end as they do one at a time: the same alerts acted on,
/// the same incidents, the same decisions, even when an alert repeats within the batch.
@Suite struct AlertTriageBatchTests {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let asset = Asset(
        name: "orders-db", kind: .database, service: "orders-api", scheduleName: "nightly", backup: BackupSpec(path: "/x"))

    /// One store and the triage and desk on it.
    struct Path {
        let store: SQLiteRunStore
        let triage: AlertTriage
        let desk: IncidentDesk
        let clock: ManualClock

        init(_ directory: TemporaryDirectory, _ name: String) throws {
            store = try SQLiteRunStore(path: directory.file("\(name).db"))
            let clock = ManualClock(now: AlertTriageBatchTests.now)
            self.clock = clock
            triage = AlertTriage(
                assets: [AlertTriageBatchTests.asset], mapping: AlertMapping(), correlation: LogCorrelation(sources: []),
                classifier: FailureClassifier(), store: store, clock: clock)
            var policy = IncidentPolicy()
            policy.sink = SinkKind(rawValue: "tracker")
            desk = IncidentDesk(
                ledger: IncidentLedger(policy: policy), store: store,
                reporter: RunReporter(
                    correlation: LogCorrelation(sources: []), builder: ReportBuilder(assets: [AlertTriageBatchTests.asset], runbooks: [:]),
                    clock: clock),
                runbooks: [:], assetLabel: "asset", clock: clock, logger: Logger(label: "test"), consumers: [])
        }

        /// What the record holds after the triage, without generated ids and times.
        func outcome() async throws -> [String] {
            let incidents = try await store.incidents(limit: 50, openOnly: false)
            var lines = incidents.map { "incident \($0.asset) \($0.cause) \($0.state)" }.sorted()
            let transitions = try await store.handledAlertTransitions(
                AlertTriageBatchTests.notifications.flatMap { $0.alerts.map(\.transition) })
            lines += transitions.values.map { "\($0.key.fingerprint) \($0.key.status) \($0.action) by \($0.notificationID)" }.sorted()
            lines.append("untriaged: \(try await store.untriagedNotifications().notifications.map(\.id))")
            return lines
        }
    }

    static func alert(_ fingerprint: String, _ status: ReceivedAlert.Status, summary: String) -> ReceivedAlert {
        ReceivedAlert(
            status: status, labels: ["alertname": "BackupFailed", "asset": asset.name], annotations: ["summary": summary],
            startsAt: now.addingTimeInterval(-60), fingerprint: fingerprint)
    }

    /// A storm's shape: the same alert under several group keys, a second alert, then the first resolving.
    static let notifications: [AlertNotification] = [
        ("ntf_1", [alert("fp-1", .firing, summary: "restic: connection timed out")]),
        ("ntf_2", [alert("fp-1", .firing, summary: "restic: connection timed out")]),
        ("ntf_3", [alert("fp-2", .firing, summary: "checksum mismatch"), alert("fp-1", .firing, summary: "restic: connection timed out")]),
        ("ntf_4", [alert("fp-1", .resolved, summary: "restic: connection timed out")]),
        ("ntf_5", [alert("fp-1", .resolved, summary: "restic: connection timed out")]),
    ].map { id, alerts in
        AlertNotification(
            id: id, receivedAt: now, receiver: "backstop", status: alerts[0].status, groupKey: "g-\(id)", dedupKey: "d-\(id)",
            externalURL: nil, alerts: alerts)
    }

    @Test func aBatchEndsAsOneNotificationAtATimeDoes() async throws {
        let directory = try TemporaryDirectory()
        let single = try Path(directory, "single")
        let batched = try Path(directory, "batched")
        for notification in Self.notifications {
            _ = try await single.store.appendNotification(notification)
            _ = try await batched.store.appendNotification(notification)
        }
        var alone: [String] = []
        for notification in Self.notifications {
            let findings = try await single.triage.findings(for: notification)
            alone.append(findings.map(Self.summary) ?? "triaged")
            if let findings { _ = try await single.desk.decide(findings) }
        }
        var together: [String] = []
        var batch = try await batched.triage.batch(Self.notifications)
        for notification in Self.notifications {
            let findings = try await batch.findings(for: notification)
            together.append(findings.map(Self.summary) ?? "triaged")
            if let findings { batch.decided(try await batched.desk.decide(findings)) }
        }
        // Fresh alerts per notification: the repeats in ntf_2, ntf_3 and ntf_5 are left out.
        #expect(alone.map { $0.prefix(1) } == ["1", "0", "1", "1", "0"])
        #expect(together == alone)
        #expect(try await batched.outcome() == single.outcome())
        #expect(try await batched.outcome().last == "untriaged: []")
    }

    /// Fresh alerts, and each finding's diagnosis and logs.
    static func summary(_ findings: AlertFindings) -> String {
        let firing = findings.firing.map { "\($0.asset): \($0.diagnosis) \($0.logs)" }
        return "\(findings.firing.flatMap(\.alerts).count + findings.resolved.count) \(firing)"
    }

    @Test func aNotificationTriagedAlreadyIsLeftOutOfTheBatch() async throws {
        let directory = try TemporaryDirectory()
        let path = try Path(directory, "record")
        let first = Self.notifications[0]
        _ = try await path.store.appendNotification(first)
        if let findings = try await path.triage.findings(for: first) { _ = try await path.desk.decide(findings) }
        var batch = try await path.triage.batch([first])
        #expect(try await batch.findings(for: first) == nil)
    }
}
