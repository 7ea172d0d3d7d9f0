import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The incident metrics' counts on PostgreSQL: SQLite's queries (`+IncidentMetrics`) in
/// PostgreSQL's dialect.
extension PostgresStore {
    /// A resolution lasts from the latest opening or reopening before it.
    private static let durations = """
        SELECT r.seq AS seq, r.at AS at, r.incident_id AS incident_id, r.at - (
            SELECT MAX(o.at) FROM incident_events o
            WHERE o.incident_id = r.incident_id AND o.kind IN ('opened', 'reopened') AND o.seq < r.seq) AS seconds
        FROM incident_events r WHERE r.kind = 'resolved'
        """

    package func incidentMetrics(now: Date, resolutionsAfter afterSeq: Int64) async throws(StoreError) -> IncidentMetricsSnapshot {
        let outbox = try await outboxStatus(now: now)
        let monthAgo = now.timeIntervalSince1970 - 30 * 86_400
        return try await read("reading the incident metrics") { connection in
            var snapshot = IncidentMetricsSnapshot(outbox: outbox)
            for row in try await self.fetchAll(
                connection,
                """
                SELECT i.cause AS cause, COUNT(*) AS n FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                WHERE e.kind = 'opened' GROUP BY i.cause
                """)
            {
                snapshot.opened[row["cause"]] = row["n"]
            }
            snapshot.open = try await self.fetchOne(connection, "SELECT COUNT(*) AS n FROM incidents WHERE state = 'open'")?["n"] ?? 0
            var after = PostgresBindings()
            after.append(afterSeq)
            snapshot.resolutions = try await self.fetchAll(
                connection, PostgresQuery(unsafeSQL: Self.durations + " AND r.seq > $1 ORDER BY r.seq", binds: after)
            ).compactMap { row in
                (row["seconds"] as Double?).map {
                    (seq: row["seq"], seconds: max(0, $0), key: IncidentCounts.resolutionKey(row["incident_id"], at: row["at"]))
                }
            }
            var since = PostgresBindings()
            since.append(monthAgo)
            snapshot.meanTimeToResolve =
                try await self.fetchOne(
                    connection,
                    PostgresQuery(unsafeSQL: "SELECT AVG(seconds) AS mean FROM (\(Self.durations) AND r.at >= $1) d", binds: since)
                )?["mean"]
            snapshot.recentResolutions = try await self.fetchAll(
                connection, PostgresQuery(unsafeSQL: Self.durations + " AND r.at >= $1 ORDER BY r.seq", binds: since)
            ).compactMap { row in
                (row["seconds"] as Double?).map { (at: Date(timeIntervalSince1970: row["at"]), seconds: $0) }
            }
            for row in try await self.fetchAll(
                connection,
                """
                SELECT e.incident_id AS id, MAX(e.at) AS since FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                WHERE i.state = 'open' AND e.kind IN ('opened', 'reopened') GROUP BY e.incident_id
                """)
            {
                snapshot.openSince[row["id"]] = Date(timeIntervalSince1970: row["since"])
            }
            for row in try await self.fetchAll(
                connection, "SELECT cause, result, COUNT(*) AS n FROM recovery_attempts GROUP BY cause, result")
            {
                snapshot.recoveryAttempts[.init(cause: row["cause"], result: row["result"])] = row["n"]
            }
            return snapshot
        }
    }
}
