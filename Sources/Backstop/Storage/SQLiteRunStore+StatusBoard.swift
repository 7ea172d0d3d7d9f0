import BackstopCore
import Foundation
import GRDB

/// The status board's queries. Shaped so a board of 10,000 assets costs one indexed pass for
/// every asset's state and a handful of indexed lookups per asset shown on the page.
extension SQLiteRunStore: StatusBoardStore {
    package func boardVersion() async throws(StoreError) -> [Int64] {
        try await read { db in
            [
                try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM runs") ?? 0,
                try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM incident_events") ?? 0,
            ]
        }
    }

    package func latestStates() async throws(StoreError) -> [String: AssetStatus] {
        try await read { db in
            var states: [String: AssetStatus] = [:]
            // SQLite answers MAX(seq) per asset from the (asset, seq) index without reading rows.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT asset, state, cause, verified_at, run_id FROM outcomes
                    WHERE seq IN (SELECT MAX(seq) FROM outcomes GROUP BY asset)
                    """)
            while let row = try rows.next() {
                guard let state = BackupState(rawValue: row["state"]) else { continue }
                let asset: String = row["asset"]
                states[asset] = AssetStatus(
                    state: state, cause: (row["cause"] as String?).flatMap(FailureCause.init(rawValue:)),
                    verifiedAt: Date(timeIntervalSince1970: row["verified_at"]), runID: row["run_id"])
            }
            return states
        }
    }

    package func boardDetails(assets: [String], windows: Int) async throws(StoreError) -> [String: AssetBoardDetail] {
        try await read { db in
            var details: [String: AssetBoardDetail] = [:]
            for asset in assets {
                var detail = AssetBoardDetail()
                // One cell per window: its latest outcome (a retry's verdict replaces the first).
                detail.windows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT run_id, window_start, state, cause, verified_at FROM outcomes
                        WHERE seq IN (SELECT MAX(seq) FROM outcomes WHERE asset = ? GROUP BY COALESCE(window_start, -seq))
                        ORDER BY seq DESC LIMIT ?
                        """, arguments: [asset, windows]
                ).compactMap { row in
                    guard let state = BackupState(rawValue: row["state"]) else { return nil }
                    return WindowOutcome(
                        runID: row["run_id"], windowStart: (row["window_start"] as Double?).map(Date.init(timeIntervalSince1970:)),
                        state: state, cause: (row["cause"] as String?).flatMap(FailureCause.init(rawValue:)),
                        verifiedAt: Date(timeIntervalSince1970: row["verified_at"]))
                }
                let lastHealthy = try Row.fetchOne(
                    db, sql: "SELECT seq, verified_at FROM outcomes WHERE asset = ? AND state = 'healthy' ORDER BY seq DESC LIMIT 1",
                    arguments: [asset])
                let lastHealthySeq: Int64? = lastHealthy.map { $0["seq"] }
                detail.lastHealthyAt = lastHealthy.map { Date(timeIntervalSince1970: $0["verified_at"]) }
                let latestState = try String.fetchOne(
                    db, sql: "SELECT state FROM outcomes WHERE asset = ? ORDER BY seq DESC LIMIT 1", arguments: [asset])
                if latestState.flatMap(BackupState.init(rawValue:))?.isFailure == true {
                    detail.failingSince = try Double.fetchOne(
                        db,
                        sql: """
                            SELECT verified_at FROM outcomes WHERE asset = ? AND seq > ? AND state IN ('failed', 'missing')
                            ORDER BY seq LIMIT 1
                            """, arguments: [asset, lastHealthySeq ?? 0]
                    ).map(Date.init(timeIntervalSince1970:))
                }
                detail.lastRestoreSeconds = try Double.fetchOne(
                    db, sql: "SELECT duration_seconds FROM restore_tests WHERE asset = ? ORDER BY seq DESC LIMIT 1", arguments: [asset])
                details[asset] = detail
            }
            return details
        }
    }

    package func failuresPerDay(from: Date, to: Date) async throws(StoreError) -> [DailyFailures] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT CAST(o.verified_at / 86400 AS INTEGER) * 86400 AS day, COALESCE(o.cause, 'unknown') AS cause, COUNT(*) AS n
                    FROM outcomes o JOIN runs r ON r.id = o.run_id
                    WHERE r.trigger_kind != 'retry' AND o.state IN ('failed', 'missing') AND o.verified_at >= ? AND o.verified_at < ?
                    GROUP BY day, cause ORDER BY day, cause
                    """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { row in
                DailyFailures(day: Date(timeIntervalSince1970: Double(row["day"] as Int64)), cause: row["cause"], count: row["n"])
            }
        }
    }

    package func resolutions(from: Date, to: Date) async throws(StoreError) -> [ResolvedIncident] {
        try await read { db in
            // Each resolution measured from the opening (or reopening) it ended, as trends do.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT e.at, e.at - (SELECT MAX(o.at) FROM incident_events o WHERE o.incident_id = e.incident_id
                        AND o.kind IN ('opened', 'reopened') AND o.seq < e.seq) AS seconds
                    FROM incident_events e WHERE e.kind = 'resolved' AND e.at >= ? AND e.at < ? ORDER BY e.seq
                    """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).compactMap { row in
                (row["seconds"] as Double?).map { ResolvedIncident(at: Date(timeIntervalSince1970: row["at"]), seconds: $0) }
            }
        }
    }

    package func restoreHistory(asset: String, limit: Int) async throws(StoreError) -> [RestorePoint] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT run_id, started_at, duration_seconds, status FROM restore_tests WHERE asset = ?
                    ORDER BY seq DESC LIMIT ?
                    """, arguments: [asset, limit]
            ).reversed().map { row in
                RestorePoint(
                    runID: row["run_id"], at: Date(timeIntervalSince1970: row["started_at"]), seconds: row["duration_seconds"],
                    passed: row["status"] == "passed")
            }
        }
    }
}
