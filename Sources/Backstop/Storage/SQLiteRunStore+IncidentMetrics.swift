import BackstopCore
import Foundation
import GRDB

/// What the incident metrics are rebuilt from: counts over the record, so they survive restarts.
package struct IncidentMetricsSnapshot: Sendable, Equatable {
    package struct RecoveryKey: Hashable, Sendable {
        package var cause: String
        package var result: String
    }

    /// Incidents opened, by cause.
    package var opened: [String: Int] = [:]
    package var open = 0
    /// Open-to-resolved durations in seconds, oldest first, with the event sequence of each
    /// resolution (so only new ones are observed).
    package var resolutions: [(seq: Int64, seconds: Double, key: String)] = []
    /// Mean resolution time over the last 30 days; nil when nothing was resolved.
    package var meanTimeToResolve: Double?
    package var recoveryAttempts: [RecoveryKey: Int] = [:]
    package var outbox = OutboxStatus()
    /// When each open incident last opened or reopened.
    package var openSince: [String: Date] = [:]
    /// Resolutions of the last 30 days: when, and how long after the opening.
    package var recentResolutions: [(at: Date, seconds: Double)] = []

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.opened == rhs.opened && lhs.open == rhs.open && lhs.resolutions.map(\.seq) == rhs.resolutions.map(\.seq)
            && lhs.recoveryAttempts == rhs.recoveryAttempts && lhs.outbox == rhs.outbox
    }
}

extension SQLiteRunStore {
    /// Resolutions after `afterSeq` only; the caller keeps the ones it has observed.
    package func incidentMetrics(now: Date, resolutionsAfter afterSeq: Int64) async throws(StoreError) -> IncidentMetricsSnapshot {
        let outbox = try await outboxStatus(now: now)
        return try await read { db in
            var snapshot = IncidentMetricsSnapshot(outbox: outbox)
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT i.cause AS cause, COUNT(*) AS n FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                    WHERE e.kind = 'opened' GROUP BY i.cause
                    """)
            {
                snapshot.opened[row["cause"]] = row["n"]
            }
            snapshot.open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incidents WHERE state = 'open'") ?? 0
            // A resolution lasts from the latest opening or reopening before it.
            let durations = """
                SELECT r.seq AS seq, r.at AS at, r.incident_id AS incident_id, r.at - (
                    SELECT MAX(o.at) FROM incident_events o
                    WHERE o.incident_id = r.incident_id AND o.kind IN ('opened', 'reopened') AND o.seq < r.seq) AS seconds
                FROM incident_events r WHERE r.kind = 'resolved'
                """
            snapshot.resolutions = try Row.fetchAll(db, sql: durations + " AND r.seq > ? ORDER BY r.seq", arguments: [afterSeq])
                .compactMap { row in
                    (row["seconds"] as Double?).map {
                        (seq: row["seq"], seconds: max(0, $0), key: IncidentCounts.resolutionKey(row["incident_id"], at: row["at"]))
                    }
                }
            snapshot.meanTimeToResolve = try Double.fetchOne(
                db, sql: "SELECT AVG(seconds) FROM (\(durations) AND r.at >= ?)", arguments: [now.timeIntervalSince1970 - 30 * 86_400])
            snapshot.recentResolutions = try Row.fetchAll(
                db, sql: durations + " AND r.at >= ? ORDER BY r.seq", arguments: [now.timeIntervalSince1970 - 30 * 86_400]
            ).compactMap { row in
                (row["seconds"] as Double?).map { (at: Date(timeIntervalSince1970: row["at"]), seconds: $0) }
            }
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT e.incident_id AS id, MAX(e.at) AS since FROM incident_events e JOIN incidents i ON i.id = e.incident_id
                    WHERE i.state = 'open' AND e.kind IN ('opened', 'reopened') GROUP BY e.incident_id
                    """)
            {
                snapshot.openSince[row["id"]] = Date(timeIntervalSince1970: row["since"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT cause, result, COUNT(*) AS n FROM recovery_attempts GROUP BY cause, result") {
                snapshot.recoveryAttempts[.init(cause: row["cause"], result: row["result"])] = row["n"]
            }
            return snapshot
        }
    }
}
