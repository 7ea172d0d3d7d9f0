import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// Builds a ``MetricsSnapshot`` with aggregate queries over the whole PostgreSQL record, as
/// ``MetricsQueries`` does on SQLite (the same queries in PostgreSQL's dialect: `FILTER` for
/// SQLite's `SUM(condition)`, counts cast to BIGINT). It must agree with
/// ``MetricsSnapshot/apply(_:)``; the run-record conformance suite compares the two.
struct PostgresMetricsQueries {
    let store: PostgresStore
    let connection: PostgresConnection

    func snapshot() async throws -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        for row in try await rows(
            """
            SELECT asset, kind, COUNT(*) AS total, COUNT(*) FILTER (WHERE status = 'failed') AS failures
            FROM checks WHERE status != 'skipped' GROUP BY asset, kind
            """)
        {
            guard let kind = CheckKind(rawValue: row["kind"]) else { continue }
            snapshot.checks[.init(row["asset"], kind)] = .init(total: row["total"], failures: row["failures"])
        }
        snapshot.checksumBytes = try await rows("SELECT COALESCE(SUM(bytes_hashed), 0)::bigint AS n FROM outcomes").first?["n"] ?? 0
        for row in try await rows(
            """
            SELECT asset, COALESCE(cause, 'unknown') AS cause, COUNT(*) AS n FROM outcomes
            WHERE state IN ('failed', 'missing') GROUP BY 1, 2
            """)
        {
            snapshot.backupFailures[.init(row["asset"], row["cause"])] = row["n"]
        }
        for row in try await rows(
            "SELECT asset, COUNT(*) AS total, COUNT(*) FILTER (WHERE status != 'passed') AS failures FROM restore_tests GROUP BY asset")
        {
            snapshot.restoreTests[row["asset"]] = .init(total: row["total"], failures: row["failures"])
        }
        snapshot.restoreDurations = try await rows("SELECT duration_seconds FROM restore_tests ORDER BY seq").map {
            $0["duration_seconds"]
        }
        try await loadLatestAssets(into: &snapshot)
        try await loadWindows(into: &snapshot)
        return snapshot
    }

    private func loadLatestAssets(into snapshot: inout MetricsSnapshot) async throws {
        for row in try await rows(
            "SELECT asset, schedule, state, verified_at FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset)")
        {
            let state = BackupState(rawValue: row["state"]) ?? .failed
            snapshot.assets[row["asset"]] = .init(
                schedule: row["schedule"], up: !state.isFailure, lastVerification: Date(timeIntervalSince1970: row["verified_at"]))
        }
        for row in try await rows(
            """
            SELECT asset, COALESCE(produced_at, verified_at) AS at FROM outcomes
            WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE state = 'healthy' GROUP BY asset)
            """)
        {
            snapshot.assets[row["asset"]]?.lastSuccess = Date(timeIntervalSince1970: row["at"])
        }
        for row in try await rows(
            """
            SELECT asset, artifact_size FROM outcomes
            WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE artifact_size IS NOT NULL GROUP BY asset)
            """)
        {
            snapshot.assets[row["asset"]]?.sizeBytes = row["artifact_size"]
        }
        for row in try await rows(
            "SELECT asset, duration_seconds FROM restore_tests WHERE seq IN (SELECT MAX(seq) FROM restore_tests GROUP BY asset)")
        {
            snapshot.assets[row["asset"]]?.lastRestoreDuration = row["duration_seconds"]
        }
    }

    private func loadWindows(into snapshot: inout MetricsSnapshot) async throws {
        for row in try await rows(PostgresQuery(unsafeSQL: MetricsQueries.windowPartsSQL)) {
            MetricsQueries.applyWindowPart(row, to: &snapshot)
        }
    }

    private func rows(_ query: PostgresQuery) async throws -> [Row] {
        try await store.fetchAll(connection, query)
    }
}
