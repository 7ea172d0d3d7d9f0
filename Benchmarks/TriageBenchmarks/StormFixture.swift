import Backstop
import BackstopCore
import Foundation
import Logging

/// An alert storm accepted into a fresh SQLite record, and the production notification handler
/// (triage, then the incident desk, one batch) wired to it as `serve` wires it, with a tracker
/// sink so the desk queues outbox messages too. Logs are not correlated (no log sources): the
/// figure is triage and the record, not a log backend.
struct StormFixture {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    static let assetCount = 50
    let directory: URL
    let notifications: [AlertNotification]
    let handler: NotificationHandler

    /// `count` notifications, each with one alert of its own fingerprint, over 50 assets (the
    /// first per asset opens an incident, the rest join it), already accepted into the record.
    init(notifications count: Int) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("record.db").path)
        let clock = SystemWallClock()
        let assets = (0..<Self.assetCount).map { index in
            Asset(
                name: "db-\(index)", kind: .database, service: "api-\(index)", scheduleName: "nightly",
                backup: BackupSpec(path: "/srv/backups/db-\(index)"))
        }
        let now = clock.now
        notifications = (0..<count).map { index in
            let alert = ReceivedAlert(
                status: .firing, labels: ["alertname": "BackupFailed", "asset": "db-\(index % Self.assetCount)"],
                annotations: ["summary": "restic: connection timed out talking to the repository"],
                startsAt: now.addingTimeInterval(-60), fingerprint: "fp-\(index)")
            return AlertNotification(
                id: "ntf_\(index)", receivedAt: now, receiver: "backstop", status: .firing, groupKey: "g-\(index)",
                dedupKey: "d-\(index)", externalURL: nil, alerts: [alert])
        }
        _ = try await store.appendNotifications(notifications.map(EncodedNotification.init))
        var policy = IncidentPolicy()
        policy.sink = SinkKind(rawValue: "tracker")
        let correlation = LogCorrelation(sources: [])
        // The desk logs each decision at notice; printing a thousand lines would time the
        // terminal, not triage, and bury the table.
        var logger = Logger(label: "backstop-bench")
        logger.logLevel = .warning
        handler = NotificationHandler(
            intake: store,
            triage: AlertTriage(
                assets: assets, mapping: AlertMapping(), correlation: correlation, classifier: FailureClassifier(), store: store,
                clock: clock),
            desk: IncidentDesk(
                ledger: IncidentLedger(policy: policy), store: store,
                reporter: RunReporter(correlation: correlation, builder: ReportBuilder(assets: assets, runbooks: [:]), clock: clock),
                runbooks: [:], assetLabel: "asset", clock: clock, logger: logger, consumers: []),
            logger: logger)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
