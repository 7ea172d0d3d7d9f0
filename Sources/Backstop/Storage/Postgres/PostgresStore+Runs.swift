import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The run record on PostgreSQL: the same rows and queries as ``SQLiteRunStore``'s, ordered
/// by `seq` (the chain's order) and, where text is ordered, by code point (`COLLATE "C"`) as
/// SQLite orders it, whatever the database's locale.
extension PostgresStore: RunStore {
    /// Appends a run to PostgreSQL itself (``append(_:)`` may buffer it instead).
    func appendStored(_ run: VerificationRun) async throws(StoreError) {
        let rows = RecordRows.rows(of: run)
        try await write("appending run \(run.id)") { connection in
            for row in rows { try await self.append(connection, table: row.table, values: row.values) }
        }
    }

    package func append(_ event: CompletionEvent) async throws(StoreError) {
        try await append(events: [event])
    }

    /// Events that arrived together, in one transaction: all are recorded, or none.
    func appendStored(events: [CompletionEvent]) async throws(StoreError) {
        guard let first = events.first else { return }
        let rows = events.map(RecordRows.values)
        try await write("appending \(events.count) event(s) from \(first.id)") { connection in
            try await self.append(connection, table: "events", rows: rows)
        }
    }

    func storedUnprocessedEvents() async throws(StoreError) -> [CompletionEvent] {
        try await read("reading unprocessed events") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT id, asset, received_at, report_json FROM events e
                WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.trigger_kind = 'event' AND r.trigger_detail = e.id)
                ORDER BY seq
                """
            ).compactMap { row in
                RecordRows.event(id: row["id"], asset: row["asset"], receivedAt: row["received_at"], json: row["report_json"])
            }
        }
    }

    func storedHistory(of assets: [String], sizeSamples: Int) async throws(StoreError) -> [String: AssetHistory] {
        try await read("reading asset history") { connection in
            var result: [String: AssetHistory] = [:]
            for asset in assets {
                var history = AssetHistory()
                history.recentHealthySizes = try await self.fetchAll(
                    connection,
                    """
                    SELECT artifact_size FROM outcomes WHERE asset = \(asset) AND state = 'healthy' AND artifact_size IS NOT NULL
                    ORDER BY seq DESC LIMIT \(sizeSamples)
                    """
                ).map { $0["artifact_size"] }
                history.lastRestoreTestAt = try await self.fetchOne(
                    connection, "SELECT started_at FROM restore_tests WHERE asset = \(asset) ORDER BY seq DESC LIMIT 1"
                ).map { Date(timeIntervalSince1970: $0["started_at"]) }
                let lastState: String? = try await self.fetchOne(
                    connection, "SELECT state FROM outcomes WHERE asset = \(asset) ORDER BY seq DESC LIMIT 1")?["state"]
                history.lastRunFailed = lastState.flatMap(BackupState.init(rawValue:))?.isFailure == true
                result[asset] = history
            }
            return result
        }
    }

    package func recentRuns(limit: Int) async throws(StoreError) -> [RunSummary] {
        try await read("reading recent runs") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT r.*,
                  (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id) AS assets,
                  (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id AND o.state IN ('failed', 'missing')) AS failed,
                  (SELECT COUNT(*) FROM restore_tests t WHERE t.run_id = r.id) AS restore_tests
                FROM runs r ORDER BY seq DESC LIMIT \(limit)
                """
            ).map { row in
                RunSummary(
                    id: row["id"], trigger: RunRow.trigger(row), startedAt: Date(timeIntervalSince1970: row["started_at"]),
                    finishedAt: Date(timeIntervalSince1970: row["finished_at"]),
                    status: VerificationRun.Status(rawValue: row["status"]) ?? .failed, assets: row["assets"], failed: row["failed"],
                    restoreTests: row["restore_tests"])
            }
        }
    }

    package func run(id: String) async throws(StoreError) -> VerificationRun? {
        try await read("reading run \(id)") { connection in
            guard let run = try await self.fetchOne(connection, "SELECT * FROM runs WHERE id = \(id)") else { return nil }
            var checksByAsset: [String: [CheckResult]] = [:]
            for row in try await self.fetchAll(connection, "SELECT * FROM checks WHERE run_id = \(id) ORDER BY seq") {
                guard let check = RunRow.check(row) else { continue }
                checksByAsset[row["asset"], default: []].append(check)
            }
            let diagnoses = try await self.diagnoses(connection, runID: id)
            let outcomes = try await self.fetchAll(connection, "SELECT * FROM outcomes WHERE run_id = \(id) ORDER BY seq").map { row in
                var outcome = OutcomeRow.outcome(row, checks: checksByAsset[row["asset"]] ?? [])
                outcome.diagnosis = diagnoses[outcome.asset]
                return outcome
            }
            let tests = try await self.fetchAll(connection, "SELECT * FROM restore_tests WHERE run_id = \(id) ORDER BY seq").map(
                RunRow.restoreTest)
            return VerificationRun(
                id: id, trigger: RunRow.trigger(run), startedAt: Date(timeIntervalSince1970: run["started_at"]),
                finishedAt: Date(timeIntervalSince1970: run["finished_at"]),
                status: VerificationRun.Status(rawValue: run["status"]) ?? .failed, outcomes: outcomes, restoreTests: tests)
        }
    }

    package func latestOutcomes() async throws(StoreError) -> [VerificationOutcome] {
        try await read("reading the latest outcomes") { connection in
            try await self.outcomes(
                connection,
                """
                SELECT * FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset) ORDER BY asset COLLATE "C"
                """)
        }
    }

    package func latestOutcome(asset: String) async throws(StoreError) -> VerificationOutcome? {
        try await read("reading the latest outcome of \(asset)") { connection in
            try await self.outcomes(connection, "SELECT * FROM outcomes WHERE asset = \(asset) ORDER BY seq DESC LIMIT 1").first
        }
    }

    package func metricsSnapshot() async throws(StoreError) -> MetricsSnapshot {
        try await read("building the metrics snapshot") { connection in
            try await PostgresMetricsQueries(store: self, connection: connection).snapshot()
        }
    }

    /// Outcome rows with their checks and diagnosis.
    private func outcomes(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [VerificationOutcome] {
        var result: [VerificationOutcome] = []
        for row in try await fetchAll(connection, query) {
            let runID: String = row["run_id"]
            let asset: String = row["asset"]
            let checks = try await fetchAll(
                connection, "SELECT * FROM checks WHERE run_id = \(runID) AND asset = \(asset) ORDER BY seq"
            ).compactMap(RunRow.check)
            var outcome = OutcomeRow.outcome(row, checks: checks)
            // Only this asset's diagnosis, not the whole run's (a run may hold thousands), as on SQLite.
            outcome.diagnosis =
                RunRow.diagnoses(
                    try await fetchAll(connection, "SELECT * FROM diagnoses WHERE run_id = \(runID) AND asset = \(asset) ORDER BY seq")
                )[asset]
            result.append(outcome)
        }
        return result
    }

    private func diagnoses(_ connection: PostgresConnection, runID: String) async throws -> [String: Diagnosis] {
        RunRow.diagnoses(try await fetchAll(connection, "SELECT * FROM diagnoses WHERE run_id = \(runID) ORDER BY seq"))
    }
}
