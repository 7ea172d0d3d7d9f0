import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The record's rows for a trend period on PostgreSQL: SQLite's queries (`+Trends`).
extension PostgresStore {
    package func trendInputs(from: Date, to: Date) async throws(StoreError) -> TrendInputs {
        let (start, end) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try await read("reading trends") { connection in
            var inputs = TrendInputs()
            inputs.verifications = try await self.fetchAll(
                connection,
                """
                SELECT o.asset, o.schedule, o.state, o.cause, o.verified_at FROM outcomes o JOIN runs r ON r.id = o.run_id
                WHERE r.trigger_kind != 'retry' AND o.state IN ('healthy', 'failed', 'missing')
                AND o.verified_at >= \(start) AND o.verified_at < \(end) ORDER BY o.seq
                """
            ).map { row in
                TrendInputs.Verification(
                    asset: row["asset"], schedule: row["schedule"], failed: row["state"] != "healthy", cause: row["cause"],
                    at: Date(timeIntervalSince1970: row["verified_at"]))
            }
            inputs.openings = try await self.fetchAll(
                connection,
                """
                SELECT e.incident_id, i.asset, i.cause, e.at FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                WHERE e.kind IN ('opened', 'reopened') AND e.at >= \(start) AND e.at < \(end) ORDER BY e.seq
                """
            ).map { row in
                TrendInputs.Opening(
                    incidentID: row["incident_id"], asset: row["asset"], cause: row["cause"], at: Date(timeIntervalSince1970: row["at"]))
            }
            // Each resolution measured from the opening (or reopening) it ended.
            inputs.resolutions = try await self.fetchAll(
                connection,
                """
                SELECT i.asset, e.at - (SELECT MAX(o.at) FROM incident_events o WHERE o.incident_id = e.incident_id
                    AND o.kind IN ('opened', 'reopened') AND o.seq < e.seq) AS seconds
                FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                WHERE e.kind = 'resolved' AND e.at >= \(start) AND e.at < \(end) ORDER BY e.seq
                """
            ).compactMap { row in
                (row["seconds"] as Double?).map { TrendInputs.Resolution(asset: row["asset"], seconds: $0) }
            }
            inputs.restoreTests = try await self.fetchAll(
                connection,
                """
                SELECT asset, started_at, duration_seconds, status FROM restore_tests
                WHERE started_at >= \(start) AND started_at < \(end) ORDER BY seq
                """
            ).map { row in
                TrendInputs.RestoreTest(
                    asset: row["asset"], at: Date(timeIntervalSince1970: row["started_at"]), seconds: row["duration_seconds"],
                    passed: row["status"] == "passed")
            }
            inputs.everRestoreTested = Set(
                try await self.fetchAll(connection, "SELECT DISTINCT asset FROM restore_tests").map { $0["asset"] as String })
            return inputs
        }
    }
}
