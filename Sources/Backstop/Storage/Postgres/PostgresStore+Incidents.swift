import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The incident ledger on PostgreSQL, in the same database as the record, so a triage's
/// decisions, its outbox messages and the run's triage mark commit in one transaction.
extension PostgresStore: IncidentStore {
    package func latestIncident(dedupKey: String) async throws(StoreError) -> Incident? {
        try await incidents(
            "reading the incident \(dedupKey)", "SELECT * FROM incidents WHERE dedup_key = \(dedupKey) ORDER BY opened_at DESC LIMIT 1"
        ).first
    }

    package func openIncidents(asset: String) async throws(StoreError) -> [Incident] {
        try await incidents(
            "reading the open incidents of \(asset)", "SELECT * FROM incidents WHERE asset = \(asset) AND state = 'open' ORDER BY opened_at"
        )
    }

    package func incident(id: String) async throws(StoreError) -> Incident? {
        try await incidents("reading incident \(id)", "SELECT * FROM incidents WHERE id = \(id)").first
    }

    package func incidents(limit: Int, openOnly: Bool) async throws(StoreError) -> [Incident] {
        try await incidents(
            "reading incidents",
            """
            SELECT * FROM incidents WHERE state = 'open' OR NOT \(openOnly)
            ORDER BY opened_at DESC, id COLLATE "C" DESC LIMIT \(limit)
            """)
    }

    private func incidents(_ doing: String, _ query: PostgresQuery) async throws(StoreError) -> [Incident] {
        try await read(doing) { connection in try await self.fetchAll(connection, query).map(IncidentRow.incident) }
    }

    package func events(incidentID: String) async throws(StoreError) -> [IncidentEvent] {
        try await read("reading the timeline of \(incidentID)") { connection in
            try await self.fetchAll(connection, "SELECT * FROM incident_events WHERE incident_id = \(incidentID) ORDER BY seq")
                .compactMap(IncidentRow.event)
        }
    }

    package func latestReport(incidentID: String) async throws(StoreError) -> IncidentReportSnapshot? {
        try await read("reading the report of \(incidentID)") { connection in
            try await self.fetchOne(
                connection, "SELECT * FROM incident_reports WHERE incident_id = \(incidentID) ORDER BY seq DESC LIMIT 1"
            ).map(IncidentRow.report)
        }
    }

    package func isTriaged(runID: String) async throws(StoreError) -> Bool {
        try await read("reading the triage mark of \(runID)") { connection in
            try await self.fetchOne(connection, "SELECT 1 AS found FROM triaged_runs WHERE run_id = \(runID)") != nil
        }
    }

    /// Which of `ids` carry a triage mark, in one query (a batch of triage asks once).
    package func triagedIDs(among ids: [String]) async throws(StoreError) -> Set<String> {
        guard !ids.isEmpty else { return [] }
        return try await read("reading triage marks") { connection in
            Set(
                try await self.fetchAll(connection, "SELECT run_id FROM triaged_runs WHERE run_id = ANY(\(ids))")
                    .map { $0["run_id"] as String })
        }
    }

    package func untriagedRunIDs() async throws(StoreError) -> [String] {
        try await read("reading untriaged runs") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT id FROM runs WHERE status != 'aborted' AND trigger_kind != 'retry'
                AND NOT EXISTS (SELECT 1 FROM triaged_runs t WHERE t.run_id = runs.id) ORDER BY seq
                """
            ).map { $0["id"] }
        }
    }

    package func commit(_ change: LedgerChange, triagedRunID: String?) async throws(StoreError) {
        try await commit(batch: [MarkedChange(change, mark: triagedRunID)])
    }

    /// A triage batch's decisions in one transaction, as on SQLite: all of them or none. The
    /// incidents and outbox messages go in the batch's order; then each record table gets the
    /// whole batch's rows in one append (one lock, one read of the chain's end, one multi-row
    /// INSERT), in the batch's order, so each chain is as one change at a time would leave it,
    /// and every ledger commit locks the tables in this same order.
    package func commit(batch: [MarkedChange]) async throws(StoreError) {
        guard !batch.isEmpty else { return }
        let now = Date()
        let changes = batch.map(\.change)
        try await write("committing \(batch.count) ledger change(s)") { connection in
            for incident in batch.finalIncidents { try await self.upsert(incident, connection) }
            for message in changes.flatMap(\.messages) { try await self.insert(message, connection) }
            try await self.append(connection, table: "incident_events", rows: changes.flatMap(\.events).map(RecordRows.values))
            try await self.append(connection, table: "incident_reports", rows: changes.flatMap(\.reports).map(RecordRows.values))
            try await self.append(
                connection, table: "alert_transitions", rows: changes.flatMap(\.alertTransitions).map { RecordRows.values($0, at: now) })
            try await self.append(
                connection, table: "triaged_runs", rows: batch.compactMap(\.mark).map { [$0, now.timeIntervalSince1970] })
        }
    }

    package func incidentOpenings(asset: String, cause: FailureCause, since: Date) async throws(StoreError) -> [String] {
        try await read("reading the openings of \(asset)") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT e.incident_id FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                WHERE i.asset = \(asset) AND i.cause = \(cause.rawValue) AND e.kind IN ('opened', 'reopened')
                AND e.at >= \(since.timeIntervalSince1970) ORDER BY e.seq
                """
            ).map { $0["incident_id"] }
        }
    }

    package func recoveryAttempts(schedule: String, windowStart: Date?) async throws(StoreError) -> Int {
        try await read("counting the retries of \(schedule)") { connection in
            try await self.fetchOne(
                connection,
                """
                SELECT COUNT(*) AS n FROM recovery_attempts WHERE schedule = \(schedule)
                AND window_start IS NOT DISTINCT FROM \(windowStart?.timeIntervalSince1970)::double precision
                AND result IN ('recovered', 'failed')
                """
            )?["n"] ?? 0
        }
    }

    package func recoveryAttempts(runID: String) async throws(StoreError) -> [RecoveryAttempt] {
        try await read("reading the retries of \(runID)") { connection in
            try await self.fetchAll(connection, "SELECT * FROM recovery_attempts WHERE run_id = \(runID) ORDER BY seq")
                .compactMap(IncidentRow.attempt)
        }
    }

    package func append(_ attempt: RecoveryAttempt) async throws(StoreError) {
        let values = RecordRows.values(attempt)
        try await write("appending a retry of \(attempt.asset)") { connection in
            try await self.append(connection, table: "recovery_attempts", values: values)
        }
    }

    /// Inserts or updates an incident; what identifies it (key, asset, cause, title) never changes.
    /// References are merged, never dropped, as on SQLite (`IncidentRow.upsert`): the desk writes
    /// an incident as it read it, and a delivery may have recorded the tracker's reference since.
    func upsert(_ incident: Incident, _ connection: PostgresConnection) async throws {
        let references = Dictionary(uniqueKeysWithValues: incident.references.map { ($0.key.rawValue, $0.value) })
        let json = String(decoding: try JSONEncoder.record.encode(references), as: UTF8.self)
        try await execute(
            connection,
            """
            INSERT INTO incidents (id, dedup_key, asset, cause, schedule, state, title, summary, opened_at, updated_at,
              resolved_at, occurrences, last_run_id, references_json)
            VALUES (\(incident.id), \(incident.dedupKey), \(incident.asset), \(incident.cause.rawValue), \(incident.schedule),
              \(incident.state.rawValue), \(incident.title), \(incident.summary), \(incident.openedAt.timeIntervalSince1970),
              \(incident.updatedAt.timeIntervalSince1970), \(incident.resolvedAt?.timeIntervalSince1970)::double precision,
              \(Int64(incident.occurrences)), \(incident.lastRunID), \(json))
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, summary = excluded.summary, updated_at = excluded.updated_at,
              resolved_at = excluded.resolved_at, occurrences = excluded.occurrences, last_run_id = excluded.last_run_id,
              references_json = (incidents.references_json::jsonb || excluded.references_json::jsonb)::text
            """)
    }
}
