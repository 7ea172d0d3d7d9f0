import BackstopCore
import Foundation
import GRDB

/// The record's rows for a trend period (`backstop trends`, the weekly digest).
extension SQLiteRunStore {
    package func trendInputs(from: Date, to: Date) async throws(StoreError) -> TrendInputs {
        let range: StatementArguments = [from.timeIntervalSince1970, to.timeIntervalSince1970]
        return try await read { db in
            var inputs = TrendInputs()
            inputs.verifications = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.asset, o.schedule, o.state, o.cause, o.verified_at FROM outcomes o JOIN runs r ON r.id = o.run_id
                    WHERE r.trigger_kind != 'retry' AND o.state IN ('healthy', 'failed', 'missing')
                    AND o.verified_at >= ? AND o.verified_at < ? ORDER BY o.seq
                    """, arguments: range
            ).map { row in
                TrendInputs.Verification(
                    asset: row["asset"], schedule: row["schedule"], failed: row["state"] != "healthy", cause: row["cause"],
                    at: Date(timeIntervalSince1970: row["verified_at"]))
            }
            inputs.openings = try Row.fetchAll(
                db,
                sql: """
                    SELECT e.incident_id, i.asset, i.cause, e.at FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                    WHERE e.kind IN ('opened', 'reopened') AND e.at >= ? AND e.at < ? ORDER BY e.seq
                    """, arguments: range
            ).map { row in
                TrendInputs.Opening(
                    incidentID: row["incident_id"], asset: row["asset"], cause: row["cause"], at: Date(timeIntervalSince1970: row["at"]))
            }
            // Each resolution measured from the opening (or reopening) it ended.
            inputs.resolutions = try Row.fetchAll(
                db,
                sql: """
                    SELECT i.asset, e.at - (SELECT MAX(o.at) FROM incident_events o WHERE o.incident_id = e.incident_id
                        AND o.kind IN ('opened', 'reopened') AND o.seq < e.seq) AS seconds
                    FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                    WHERE e.kind = 'resolved' AND e.at >= ? AND e.at < ? ORDER BY e.seq
                    """, arguments: range
            ).compactMap { row in
                (row["seconds"] as Double?).map { TrendInputs.Resolution(asset: row["asset"], seconds: $0) }
            }
            inputs.restoreTests = try Row.fetchAll(
                db,
                sql: """
                    SELECT asset, started_at, duration_seconds, status FROM restore_tests
                    WHERE started_at >= ? AND started_at < ? ORDER BY seq
                    """, arguments: range
            ).map { row in
                TrendInputs.RestoreTest(
                    asset: row["asset"], at: Date(timeIntervalSince1970: row["started_at"]), seconds: row["duration_seconds"],
                    passed: row["status"] == "passed")
            }
            inputs.everRestoreTested = Set(try String.fetchAll(db, sql: "SELECT DISTINCT asset FROM restore_tests"))
            return inputs
        }
    }
}
