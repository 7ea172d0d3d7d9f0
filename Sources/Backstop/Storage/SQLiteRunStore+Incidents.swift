import BackstopCore
import Foundation
import GRDB

/// The incident ledger and the outbox in the same SQLite file as the record, so a triage's
/// decisions and the run they came from are committed together.
extension SQLiteRunStore: IncidentStore {
    // MARK: Ledger

    package func latestIncident(dedupKey: String) async throws(StoreError) -> Incident? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM incidents WHERE dedup_key = ? ORDER BY opened_at DESC LIMIT 1",
                arguments: ExactText.arguments([dedupKey])
            )
            .map(IncidentRow.incident)
        }
    }

    package func openIncidents(asset: String) async throws(StoreError) -> [Incident] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM incidents WHERE asset = ? AND state = 'open' ORDER BY opened_at",
                arguments: ExactText.arguments([asset])
            )
            .map(IncidentRow.incident)
        }
    }

    package func incident(id: String) async throws(StoreError) -> Incident? {
        try await read { db in try Row.fetchOne(db, sql: "SELECT * FROM incidents WHERE id = ?", arguments: [id]).map(IncidentRow.incident)
        }
    }

    package func incidents(limit: Int, openOnly: Bool) async throws(StoreError) -> [Incident] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM incidents \(openOnly ? "WHERE state = 'open'" : "") ORDER BY opened_at DESC, id DESC LIMIT ?",
                arguments: [limit]
            ).map(IncidentRow.incident)
        }
    }

    package func events(incidentID: String) async throws(StoreError) -> [IncidentEvent] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM incident_events WHERE incident_id = ? ORDER BY seq", arguments: [incidentID])
                .compactMap(IncidentRow.event)
        }
    }

    package func latestReport(incidentID: String) async throws(StoreError) -> IncidentReportSnapshot? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM incident_reports WHERE incident_id = ? ORDER BY seq DESC LIMIT 1", arguments: [incidentID]
            ).map(IncidentRow.report)
        }
    }

    package func isTriaged(runID: String) async throws(StoreError) -> Bool {
        try await read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM triaged_runs WHERE run_id = ?", arguments: [runID]) ?? false }
    }

    package func triagedIDs(among ids: [String]) async throws(StoreError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await read { db in
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            return Set(
                try String.fetchAll(
                    db, sql: "SELECT run_id FROM triaged_runs WHERE run_id IN (\(placeholders))", arguments: StatementArguments(ids)))
        }
    }

    package func untriagedRunIDs() async throws(StoreError) -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM runs WHERE status != 'aborted' AND trigger_kind != 'retry'
                    AND id NOT IN (SELECT run_id FROM triaged_runs) ORDER BY seq
                    """)
        }
    }

    package func commit(_ change: LedgerChange, triagedRunID: String?) async throws(StoreError) {
        try await commit(batch: [MarkedChange(change, mark: triagedRunID)])
    }

    /// A batch's decisions in one transaction: one fsync for a storm's batch, not one per
    /// notification. Its rows are worked out first (``PreparedLedgerRows``): the transaction holds
    /// the store's one writer, and webhook requests wait behind it for their commit.
    package func commit(batch: [MarkedChange]) async throws(StoreError) {
        guard !batch.isEmpty else { return }
        let rows: PreparedLedgerRows
        do {
            rows = try PreparedLedgerRows(batch, at: Date())
        } catch {
            throw StoreError("could not encode the incidents' rows for the SQLite store \(path): \(error)")
        }
        try await write { db in try rows.write(db) }
    }

    package func incidentOpenings(asset: String, cause: FailureCause, since: Date) async throws(StoreError) -> [String] {
        try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT e.incident_id FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                    WHERE i.asset = ? AND i.cause = ? AND e.kind IN ('opened', 'reopened') AND e.at >= ? ORDER BY e.seq
                    """, arguments: ExactText.arguments([asset, cause.rawValue, since.timeIntervalSince1970]))
        }
    }

    package func recoveryAttempts(schedule: String, windowStart: Date?) async throws(StoreError) -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql:
                    "SELECT COUNT(*) FROM recovery_attempts WHERE schedule = ? AND window_start IS ? AND result IN ('recovered', 'failed')",
                arguments: [schedule, windowStart?.timeIntervalSince1970]) ?? 0
        }
    }

    /// The retries a run's triage made, in order.
    package func recoveryAttempts(runID: String) async throws(StoreError) -> [RecoveryAttempt] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM recovery_attempts WHERE run_id = ? ORDER BY seq", arguments: [runID])
                .compactMap(IncidentRow.attempt)
        }
    }

    package func append(_ attempt: RecoveryAttempt) async throws(StoreError) {
        try await write { db in
            try HashChain.append(db, table: "recovery_attempts", values: RecordRows.values(attempt))
        }
    }

    // MARK: Outbox

    package func dueMessages(now: Date, limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ? AND \(OutboxRow.headOfLine)
                    ORDER BY o.id LIMIT ?
                    """, arguments: [now.timeIntervalSince1970, limit]
            ).compactMap(OutboxRow.message)
        }
    }

    package func oldestPendingMessage(incidentID: String, target: SinkKind) async throws(StoreError) -> OutboxMessage? {
        try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM outbox WHERE incident_id = ? AND target = ? AND state = 'pending' ORDER BY id LIMIT 1",
                arguments: [incidentID, target.rawValue]
            ).flatMap(OutboxRow.message)
        }
    }

    package func markSending(_ id: Int64, note: String?, settledAt: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE outbox SET in_doubt = 1, attempts = attempts + 1, sink_note = COALESCE(sink_note, ?),
                      next_attempt_at = MAX(next_attempt_at, ?) WHERE id = ?
                    """,
                arguments: [note, settledAt.timeIntervalSince1970, id])
        }
    }

    package func markDelivered(_ id: Int64, reference: ExternalReference?, event: IncidentEvent) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'delivered', in_doubt = 0, last_error = NULL, finished_at = ? WHERE id = ?",
                arguments: [event.at.timeIntervalSince1970, id])
            if let reference, let target = try String.fetchOne(db, sql: "SELECT target FROM outbox WHERE id = ?", arguments: [id]),
                let row = try Row.fetchOne(db, sql: "SELECT * FROM incidents WHERE id = ?", arguments: [event.incidentID])
            {
                var incident = IncidentRow.incident(row)
                incident.references[SinkKind(rawValue: target)] = reference
                try IncidentRow.upsert(incident, db)
            }
            try Self.append(event, db)
        }
    }

    package func markRetry(_ id: Int64, nextAttemptAt: Date, error: String, inDoubt: Bool) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET next_attempt_at = ?, last_error = ?, in_doubt = ? WHERE id = ?",
                arguments: [nextAttemptAt.timeIntervalSince1970, error, inDoubt, id])
        }
    }

    package func markDead(_ id: Int64, error: String, event: IncidentEvent, fallback: OutboxMessage?) async throws(StoreError) {
        try await write { db in
            try db.execute(
                sql: "UPDATE outbox SET state = 'dead', last_error = ?, finished_at = ? WHERE id = ?",
                arguments: [error, event.at.timeIntervalSince1970, id])
            try Self.append(event, db)
            if let fallback { try OutboxRow.insert(fallback, db) }
        }
    }

    package func outboxStatus(now: Date) async throws(StoreError) -> OutboxStatus {
        try await read { db in
            OutboxRow.status(try Row.fetchOne(db, sql: OutboxRow.statusQuery), now: now)
        }
    }

    package func deadLetters(limit: Int) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE state = 'dead' ORDER BY id DESC LIMIT ?", arguments: [limit])
                .compactMap(OutboxRow.message)
        }
    }

    /// Every outbox message, oldest first (for tests and `backstop incidents show`).
    package func outboxMessages(incidentID: String? = nil) async throws(StoreError) -> [OutboxMessage] {
        try await read { db in
            if let incidentID {
                return try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE incident_id = ? ORDER BY id", arguments: [incidentID])
                    .compactMap(OutboxRow.message)
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM outbox ORDER BY id").compactMap(OutboxRow.message)
        }
    }

    private static func append(_ event: IncidentEvent, _ db: Database) throws {
        try HashChain.append(db, table: "incident_events", values: RecordRows.values(event))
    }
}
