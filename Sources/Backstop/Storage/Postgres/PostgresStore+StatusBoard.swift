import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The status board's queries on PostgreSQL: SQLite's (`+StatusBoard`), with `$n` parameters
/// and PostgreSQL's truncation (`floor`, where SQLite's CAST truncates and PostgreSQL's rounds).
extension PostgresStore: StatusBoardStore {
    package func boardVersion() async throws(StoreError) -> [Int64] {
        try await read("reading the board's version") { connection in
            let row = try await self.fetchOne(
                connection,
                """
                SELECT (SELECT COALESCE(MAX(seq), 0) FROM runs)::bigint AS runs,
                       (SELECT COALESCE(MAX(seq), 0) FROM incident_events)::bigint AS events
                """)
            return [row?["runs"] ?? 0, row?["events"] ?? 0]
        }
    }

    package func latestStates() async throws(StoreError) -> [String: AssetStatus] {
        try await read("reading every asset's state") { connection in
            var states: [String: AssetStatus] = [:]
            for row in try await self.fetchAll(
                connection,
                """
                SELECT asset, state, cause, verified_at, run_id FROM outcomes
                WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset)
                """)
            {
                guard let state = BackupState(rawValue: row["state"]) else { continue }
                states[row["asset"]] = AssetStatus(
                    state: state, cause: (row["cause"] as String?).flatMap(FailureCause.init(rawValue:)),
                    verifiedAt: Date(timeIntervalSince1970: row["verified_at"]), runID: row["run_id"])
            }
            return states
        }
    }

    package func boardDetails(assets: [String], windows: Int) async throws(StoreError) -> [String: AssetBoardDetail] {
        try await read("reading the board's details") { connection in
            var details: [String: AssetBoardDetail] = [:]
            for asset in assets {
                var detail = AssetBoardDetail()
                // One cell per window: its latest outcome (a retry's verdict replaces the first).
                detail.windows = try await self.fetchAll(
                    connection,
                    """
                    SELECT run_id, window_start, state, cause, verified_at FROM outcomes
                    WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE asset = \(asset) GROUP BY COALESCE(window_start, -seq))
                    ORDER BY seq DESC LIMIT \(windows)
                    """
                ).compactMap { row in
                    guard let state = BackupState(rawValue: row["state"]) else { return nil }
                    return WindowOutcome(
                        runID: row["run_id"], windowStart: (row["window_start"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        state: state, cause: (row["cause"] as String?).flatMap(FailureCause.init(rawValue:)),
                        verifiedAt: Date(timeIntervalSince1970: row["verified_at"]))
                }
                let lastHealthy = try await self.fetchOne(
                    connection,
                    "SELECT seq, verified_at FROM outcomes WHERE asset = \(asset) AND state = 'healthy' ORDER BY seq DESC LIMIT 1")
                let lastHealthySeq: Int64 = lastHealthy?["seq"] ?? 0
                detail.lastHealthyAt = lastHealthy.map { Date(timeIntervalSince1970: $0["verified_at"]) }
                let latest = try await self.fetchOne(
                    connection, "SELECT state FROM outcomes WHERE asset = \(asset) ORDER BY seq DESC LIMIT 1")
                if (latest?["state"] as String?).flatMap(BackupState.init(rawValue:))?.isFailure == true {
                    detail.failingSince = try await self.fetchOne(
                        connection,
                        """
                        SELECT verified_at FROM outcomes WHERE asset = \(asset) AND seq > \(lastHealthySeq)
                        AND state IN ('failed', 'missing') ORDER BY seq LIMIT 1
                        """
                    ).map { Date(timeIntervalSince1970: $0["verified_at"]) }
                }
                detail.lastRestoreSeconds =
                    try await self.fetchOne(
                        connection, "SELECT duration_seconds FROM restore_tests WHERE asset = \(asset) ORDER BY seq DESC LIMIT 1"
                    )?["duration_seconds"]
                details[asset] = detail
            }
            return details
        }
    }

    package func failuresPerDay(from: Date, to: Date) async throws(StoreError) -> [DailyFailures] {
        let (start, end) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try await read("reading failures per day") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT (floor(o.verified_at / 86400) * 86400)::bigint AS day, COALESCE(o.cause, 'unknown') AS cause, COUNT(*) AS n
                FROM outcomes o JOIN runs r ON r.id = o.run_id
                WHERE r.trigger_kind != 'retry' AND o.state IN ('failed', 'missing') AND o.verified_at >= \(start) AND o.verified_at < \(end)
                GROUP BY 1, 2 ORDER BY 1, 2
                """
            ).map { row in
                DailyFailures(day: Date(timeIntervalSince1970: Double(row["day"] as Int64)), cause: row["cause"], count: row["n"])
            }
        }
    }

    package func resolutions(from: Date, to: Date) async throws(StoreError) -> [ResolvedIncident] {
        let (start, end) = (from.timeIntervalSince1970, to.timeIntervalSince1970)
        return try await read("reading resolutions") { connection in
            // Each resolution measured from the opening (or reopening) it ended, as trends do.
            try await self.fetchAll(
                connection,
                """
                SELECT e.at, e.at - (SELECT MAX(o.at) FROM incident_events o WHERE o.incident_id = e.incident_id
                    AND o.kind IN ('opened', 'reopened') AND o.seq < e.seq) AS seconds
                FROM incident_events e WHERE e.kind = 'resolved' AND e.at >= \(start) AND e.at < \(end) ORDER BY e.seq
                """
            ).compactMap { row in
                (row["seconds"] as Double?).map { ResolvedIncident(at: Date(timeIntervalSince1970: row["at"]), seconds: $0) }
            }
        }
    }

    package func restoreHistory(asset: String, limit: Int) async throws(StoreError) -> [RestorePoint] {
        try await read("reading the restore history of \(asset)") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT run_id, started_at, duration_seconds, status FROM restore_tests WHERE asset = \(asset)
                ORDER BY seq DESC LIMIT \(limit)
                """
            ).reversed().map { row in
                RestorePoint(
                    runID: row["run_id"], at: Date(timeIntervalSince1970: row["started_at"]), seconds: row["duration_seconds"],
                    passed: row["status"] == "passed")
            }
        }
    }
}
