import Backstop
import BackstopCore
import BackstopSinks
import Foundation
import Logging

/// Outbox messages queued in a fresh SQLite record, and the delivery service that drains them
/// into a sink that answers at once. The sink stands in for a tracker on purpose: the figure is
/// the outbox's own work per message (finding what is due, the in-doubt mark, the outcome's
/// commit), which a tracker's round trip would hide. The sinks' HTTP is measured by the
/// contract fakes' tests and Benchmarks/storm-comments.py.
struct OutboxFixture {
    let directory: URL
    let delivery: OutboxDeliveryService

    /// `incidents` open incidents with `messages` messages each to Jira (an open, then updates).
    init(incidents: Int, messages: Int) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backstop-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteRunStore(path: directory.appendingPathComponent("record.db").path)
        let now = Date()
        var change = LedgerChange()
        for number in 0..<incidents {
            let id = "inc_\(number)"
            let asset = "db-\(number)"
            change.incidents.append(
                Incident(
                    id: id, dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", state: .open,
                    title: "\(asset): disk full", summary: "The backup failed.", openedAt: now, updatedAt: now, lastRunID: "run_\(id)"))
            for index in 0..<messages {
                let payload = OutboxPayload(
                    title: "\(asset): disk full", summary: "occurrence \(index + 1)", markdown: "Occurrence \(index + 1).",
                    dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", reportURL: nil,
                    details: [:], occurredAt: now)
                change.messages.append(
                    OutboxMessage(incidentID: id, target: .jira, action: index == 0 ? .open : .update, payload: payload, createdAt: now))
            }
        }
        try await store.commit(change, triagedRunID: nil)
        delivery = OutboxDeliveryService(
            store: store, sinks: [.jira: AnsweringSink()], fallbackPager: nil, policy: DeliveryPolicy(), clock: SystemWallClock(),
            dryRun: false, logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Accepts every message at once, as a tracker that is up and fast would.
private struct AnsweringSink: IncidentSink {
    var kind: SinkKind { .jira }

    func deliver(_ message: OutboxMessage, incident: Incident) async throws(SinkError) -> ExternalReference? {
        ExternalReference(id: "10001", key: "OPS-1")
    }
}
