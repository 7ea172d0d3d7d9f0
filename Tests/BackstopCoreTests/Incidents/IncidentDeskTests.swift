import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// The incident desk on the in-memory stores: both paths' findings end in one ledger, each
/// decision committed with its mark and published as committed.
@Suite struct IncidentDeskTests {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let asset = Asset(
        name: "orders-db", kind: .database, service: "orders-api", scheduleName: "nightly", backup: BackupSpec(path: "/x"))

    /// Keeps every change the desk publishes.
    actor Published: LedgerChangeConsumer {
        private(set) var changes: [LedgerChange] = []
        func consume(_ change: LedgerChange) { changes.append(change) }
    }

    static func desk(_ ledger: InMemoryIncidentStore, published: Published) -> IncidentDesk {
        var policy = IncidentPolicy()
        policy.sink = SinkKind(rawValue: "tracker")
        let clock = ManualClock(now: now)
        return IncidentDesk(
            ledger: IncidentLedger(policy: policy), store: ledger,
            reporter: RunReporter(
                correlation: LogCorrelation(sources: []), builder: ReportBuilder(assets: [asset], runbooks: [:]), clock: clock),
            runbooks: [:], assetLabel: "asset", clock: clock, logger: Logger(label: "test"), consumers: [published])
    }

    static func run(_ id: String, healthy: Bool) -> VerificationRun {
        let window = BackupWindow(
            schedule: "nightly", start: now.addingTimeInterval(-7_200), end: now.addingTimeInterval(-5_400),
            closesAt: now.addingTimeInterval(-3_600))
        var outcome = VerificationOutcome(
            asset: asset.name, schedule: "nightly", window: window, artifact: nil,
            checks: [healthy ? .passed(.checksum, "matches") : .failed(.checksum, "sha256 differs")], producedAt: nil, late: false,
            bytesHashed: 0, verifiedAt: now)
        if !healthy { outcome.diagnosis = Diagnosis(cause: .corruptedArtifact, confidence: 0.9, evidence: ["sha256 differs"], rule: "t") }
        return VerificationRun(
            id: id, trigger: .schedule("nightly"), startedAt: now, finishedAt: now, status: healthy ? .healthy : .failed,
            outcomes: [outcome], restoreTests: [])
    }

    static func alert(_ id: String) -> AlertFindings {
        let alert = ReceivedAlert(
            status: .firing, labels: ["alertname": "BackupFailed", "asset": asset.name], startsAt: now.addingTimeInterval(-60),
            fingerprint: "fp-1")
        let notification = AlertNotification(
            id: id, receivedAt: now, receiver: "backstop", status: .firing, groupKey: "g", dedupKey: "d-\(id)", externalURL: nil,
            alerts: [alert])
        let finding = AlertFinding(
            asset: asset.name, configured: asset, alerts: [alert],
            diagnosis: Diagnosis(cause: .corruptedArtifact, confidence: 0.8, evidence: ["checksum mismatch"], rule: "t"),
            logs: CorrelatedLogs(windowStart: now, windowEnd: now, services: [], signals: [], sourceProblems: []))
        return AlertFindings(notification: notification, firing: [finding], resolved: [])
    }

    @Test func aFailureIsCommittedWithItsMarkAndPublishedAsCommitted() async throws {
        let ledger = InMemoryIncidentStore()
        let published = Published()
        let change = try await Self.desk(ledger, published: published).decide(
            BackupFindings(run: Self.run("run_1", healthy: false), recoveries: [:]))
        let incident = try #require(change.incidents.first)
        #expect(await ledger.incident(id: incident.id) == incident)
        #expect(await ledger.isTriaged(runID: "run_1"))
        #expect(await ledger.latestReport(incidentID: incident.id)?.markdown.contains("orders-db") == true)
        #expect(await published.changes == [change])
        #expect(change.messages.map(\.action) == [.open])
    }

    @Test func theTwoPathsOpenOneIncidentForOneFailure() async throws {
        let ledger = InMemoryIncidentStore()
        let published = Published()
        let desk = Self.desk(ledger, published: published)
        async let backup = desk.decide(BackupFindings(run: Self.run("run_1", healthy: false), recoveries: [:]))
        async let alerting = desk.decide(Self.alert("ntf_1"))
        _ = try await (backup, alerting)
        #expect(await ledger.incidents(limit: 10, openOnly: false).count == 1)
        #expect(await ledger.isTriaged(runID: "run_1"))
        #expect(await ledger.isTriaged(runID: "ntf_1"))
        #expect(await published.changes.flatMap(\.messages).filter { $0.action == .open }.count == 1)
    }

    @Test func aRecoveredFailureResolvesTheOpenIncidentAndCarriesItsRetries() async throws {
        let ledger = InMemoryIncidentStore()
        let desk = Self.desk(ledger, published: Published())
        let opened = try #require(
            try await desk.decide(BackupFindings(run: Self.run("run_1", healthy: false), recoveries: [:])).incidents.first)
        var recovery = Recovery()
        recovery.recovered = true
        recovery.attempts = [
            RecoveryAttempt(
                runID: "run_2", asset: "orders-db", schedule: "nightly", cause: .corruptedArtifact, attempt: 1, startedAt: Self.now,
                finishedAt: Self.now, result: .recovered, detail: "retry 1", windowStart: nil)
        ]
        let change = try await desk.decide(BackupFindings(run: Self.run("run_2", healthy: false), recoveries: ["orders-db": recovery]))
        #expect(change.incidents.map(\.id) == [opened.id] && change.incidents.first?.state == .resolved)
        #expect(change.recoveryAttempts.map(\.result) == [.recovered])
        #expect(await ledger.openIncidents(asset: "orders-db").isEmpty)
    }
}
