import BackstopCore
import Foundation
import GRDB

/// Builds a ``MetricsSnapshot`` with aggregate queries over the whole record, so start-up cost
/// grows with the number of assets rather than the number of runs ever made. It must agree
/// with ``MetricsSnapshot/apply(_:)``; a test compares the two.
enum MetricsQueries {
    static func snapshot(_ db: Database) throws -> MetricsSnapshot {
        var snapshot = MetricsSnapshot()
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT asset, kind, COUNT(*) AS total, SUM(status = 'failed') AS failures FROM checks WHERE status != 'skipped' GROUP BY asset, kind"
        ) {
            guard let kind = CheckKind(rawValue: row["kind"]) else { continue }
            snapshot.checks[.init(row["asset"], kind)] = .init(total: row["total"], failures: row["failures"])
        }
        snapshot.checksumBytes = try Int64.fetchOne(db, sql: "SELECT COALESCE(SUM(bytes_hashed), 0) FROM outcomes") ?? 0
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT asset, COALESCE(cause, 'unknown') AS cause, COUNT(*) AS n FROM outcomes WHERE state IN ('failed', 'missing') GROUP BY 1, 2"
        ) {
            snapshot.backupFailures[.init(row["asset"], row["cause"])] = row["n"]
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT asset, COUNT(*) AS total, SUM(status != 'passed') AS failures FROM restore_tests GROUP BY asset")
        {
            snapshot.restoreTests[row["asset"]] = .init(total: row["total"], failures: row["failures"])
        }
        snapshot.restoreDurations = try Double.fetchAll(db, sql: "SELECT duration_seconds FROM restore_tests ORDER BY seq")

        try loadLatestAssets(db, into: &snapshot)
        try loadWindows(db, into: &snapshot)
        return snapshot
    }

    private static func loadLatestAssets(_ db: Database, into snapshot: inout MetricsSnapshot) throws {
        let latest = try Row.fetchAll(
            db, sql: "SELECT asset, schedule, state, verified_at FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset)")
        for row in latest {
            let state = BackupState(rawValue: row["state"]) ?? .failed
            snapshot.assets[row["asset"]] = .init(
                schedule: row["schedule"], up: !state.isFailure, lastVerification: Date(timeIntervalSince1970: row["verified_at"]))
        }
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT asset, COALESCE(produced_at, verified_at) AS at FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE state = 'healthy' GROUP BY asset)"
        ) {
            snapshot.assets[row["asset"]]?.lastSuccess = Date(timeIntervalSince1970: row["at"])
        }
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT asset, artifact_size FROM outcomes WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE artifact_size IS NOT NULL GROUP BY asset)"
        ) {
            snapshot.assets[row["asset"]]?.sizeBytes = row["artifact_size"]
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT asset, duration_seconds FROM restore_tests WHERE seq IN (SELECT MAX(seq) FROM restore_tests GROUP BY asset)")
        {
            snapshot.assets[row["asset"]]?.lastRestoreDuration = row["duration_seconds"]
        }
    }

    /// Each scheduled run's part of its window, in record order, for
    /// ``MetricsSnapshot/applyWindowPart(schedule:aborted:windowStart:finishedAt:expected:missing:failed:)``
    /// (one row per run, not per outcome: runs are few). SQL both SQLite and PostgreSQL read.
    static let windowPartsSQL = """
        SELECT r.trigger_detail AS schedule, r.status = 'aborted' AS aborted, r.finished_at,
          (SELECT window_start FROM outcomes o WHERE o.run_id = r.id AND o.schedule = r.trigger_detail
             AND window_start IS NOT NULL ORDER BY seq LIMIT 1) AS window_start,
          (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id AND o.schedule = r.trigger_detail) AS expected,
          (SELECT COUNT(*) FROM outcomes o WHERE o.run_id = r.id AND o.schedule = r.trigger_detail AND o.state = 'missing') AS missing,
          EXISTS (SELECT 1 FROM outcomes o WHERE o.run_id = r.id AND o.schedule = r.trigger_detail
             AND o.state IN ('failed', 'missing')) AS failed
        FROM runs r WHERE r.trigger_kind = 'schedule' ORDER BY r.seq
        """

    /// Folds one row of ``windowPartsSQL`` into the snapshot.
    static func applyWindowPart(_ row: Row, to snapshot: inout MetricsSnapshot) {
        snapshot.applyWindowPart(
            schedule: row["schedule"], aborted: row["aborted"],
            windowStart: (row["window_start"] as Double?).map(Date.init(timeIntervalSince1970:)),
            finishedAt: Date(timeIntervalSince1970: row["finished_at"]), expected: row["expected"], missing: row["missing"],
            failed: row["failed"])
    }

    private static func loadWindows(_ db: Database, into snapshot: inout MetricsSnapshot) throws {
        for row in try Row.fetchAll(db, sql: windowPartsSQL) { applyWindowPart(row, to: &snapshot) }
    }
}
