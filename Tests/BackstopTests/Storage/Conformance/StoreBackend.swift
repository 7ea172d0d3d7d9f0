import Backstop
import BackstopCore
import BackstopTesting
import Foundation

/// Every implementation of the store protocols, as the conformance suites run them: each suite
/// is parameterised over these, so a new backend (PostgreSQL) is one case here.
enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case memory
    case sqlite

    var description: String { rawValue }

    /// The three stores of one backend, sharing what they share in production (one database).
    struct Stores: Sendable {
        let record: any RunStore
        let ledger: any IncidentStore
        let intake: any AlertIntakeStore
        let approvals: any ApprovalStore
        /// Where the SQLite file lives; removed when the last copy of the stores goes, so a test
        /// keeps them alive to its end (`defer { extendLifetime(stores) }`).
        let directory: TemporaryDirectory?
    }

    func make() throws -> Stores {
        switch self {
        case .memory:
            let record = InMemoryRunStore()
            let ledger = InMemoryIncidentStore(record: record)
            return Stores(
                record: record, ledger: ledger, intake: InMemoryAlertIntake(ledger: ledger),
                approvals: InMemoryApprovalStore(ledger: ledger), directory: nil)
        case .sqlite:
            let directory = try TemporaryDirectory()
            let store = try SQLiteRunStore(path: directory.file("backstop.db"))
            return Stores(record: store, ledger: store, intake: store, approvals: store, directory: directory)
        }
    }
}

/// Values the conformance suites store and read back.
enum StoreSamples {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)

    static func window(_ start: Date = now.addingTimeInterval(-3_600)) -> BackupWindow {
        BackupWindow(schedule: "nightly", start: start, end: start.addingTimeInterval(1_800), closesAt: start.addingTimeInterval(3_600))
    }

    static func outcome(_ asset: String, healthy: Bool, size: Int64 = 1_000, at: Date = now) -> VerificationOutcome {
        var outcome = VerificationOutcome(
            asset: asset, schedule: "nightly", window: window(at.addingTimeInterval(-3_600)),
            artifact: Artifact(path: "/backups/\(asset).tar.gz", sizeBytes: size, modifiedAt: at.addingTimeInterval(-600)),
            checks: [.passed(.exists, "found"), healthy ? .passed(.checksum, "matches") : .failed(.checksum, "mismatch")],
            producedAt: at.addingTimeInterval(-600), late: false, bytesHashed: size, verifiedAt: at)
        if !healthy {
            outcome.diagnosis = Diagnosis(cause: .corruptedArtifact, confidence: 0.9, evidence: ["sha256 differs"], rule: "checksum")
        }
        return outcome
    }

    static func run(
        _ id: String, trigger: RunTrigger = .schedule("nightly"), status: VerificationRun.Status = .failed,
        outcomes: [VerificationOutcome], at: Date = now
    ) -> VerificationRun {
        VerificationRun(
            id: id, trigger: trigger, startedAt: at.addingTimeInterval(-5), finishedAt: at, status: status, outcomes: outcomes,
            restoreTests: [])
    }

    static func incident(_ id: String, asset: String = "orders-db", state: Incident.State = .open, openedAt: Date = now) -> Incident {
        Incident(
            id: id, dedupKey: "backstop/\(asset)/corrupted_artifact", asset: asset, cause: .corruptedArtifact, schedule: "nightly",
            state: state, title: "Backup of \(asset) failed", summary: "summary of \(id)", openedAt: openedAt, updatedAt: openedAt,
            lastRunID: "run_1")
    }

    static func message(_ incidentID: String, target: SinkKind, action: OutboxAction = .open, at: Date = now) -> OutboxMessage {
        let payload = OutboxPayload(
            title: "t", summary: "s", markdown: "m", dedupKey: "k", asset: "orders-db", cause: .corruptedArtifact, schedule: "nightly",
            reportURL: nil, details: [:], occurredAt: at)
        return OutboxMessage(incidentID: incidentID, target: target, action: action, payload: payload, createdAt: at)
    }

    static func notification(_ id: String, dedupKey: String, status: ReceivedAlert.Status = .firing) -> AlertNotification {
        AlertNotification(
            id: id, receivedAt: now, receiver: "backstop", status: status, groupKey: "{}:{alertname=\"BackupFailed\"}",
            dedupKey: dedupKey, externalURL: nil,
            alerts: [
                ReceivedAlert(
                    status: status, labels: ["alertname": "BackupFailed"], startsAt: now.addingTimeInterval(-60), fingerprint: "fp-\(id)")
            ])
    }
}
