import BackstopCore
import Foundation
import GRDB

/// The Alertmanager intake record.
extension SQLiteRunStore: AlertIntakeStore {
    /// Appends notifications that arrived together in one transaction (one fsync); one alone is a
    /// batch of one. A taken id (practically never: ids count up from a random start in each
    /// process) fails the write like any other store error: the webhook answers 503 and
    /// Alertmanager's retry gets a new id. Only what needs the write lock is done under it: the
    /// JSON was encoded by each request, the keys are hashed before the write, repeats are found
    /// in memory (``NotificationRepeats``), and the insert is a prepared statement.
    package func appendNotifications(_ batch: [EncodedNotification]) async throws(StoreError) -> [NotificationWrite] {
        guard !batch.isEmpty else { return [] }
        let rows = batch.map(RecordRows.values)
        let keys = batch.map { NotificationRepeats.Key($0.notification) }
        let repeats = notificationRepeats
        return try await write { db in
            let repeated = try repeats.append(keys, db) { repeated in
                try HashChain.append(db, table: "alert_notifications", rows: zip(rows, repeated).filter { !$0.1 }.map(\.0))
            }
            return repeated.map { $0 ? .duplicate : .appended }
        }
    }

    /// Notifications accepted but not yet triaged (Backstop stopped in between, or the triage
    /// fell behind a sustained intake), oldest first, read in one snapshot. `NOT EXISTS` probes
    /// the marks' unique index row by row; `NOT IN` would build a copy of every mark for each page.
    package func untriagedNotifications(after position: Int64?, limit: Int) async throws(StoreError) -> UntriagedNotifications {
        let (rows, reached) = try await read { db in
            guard let end = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM alert_notifications") else {
                return ([StoredNotification](), position)
            }
            var rows: [StoredNotification] = []
            var last: Int64?
            let cursor = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT seq, id, received_at, notification_json FROM alert_notifications n
                        WHERE seq > ? AND seq <= ? AND NOT EXISTS (SELECT 1 FROM triaged_runs t WHERE t.run_id = n.id)
                        ORDER BY seq LIMIT ?
                        """),
                arguments: [position ?? 0, end, limit])
            while let row = try cursor.next() {
                rows.append(StoredNotification(row: row))
                last = row["seq"]
            }
            // A short page read to the end: every row up to it is in the page or triaged.
            return (rows, rows.count == limit ? last : end)
        }
        let decoded = StoredNotification.notifications(rows)
        return UntriagedNotifications(notifications: decoded.notifications, unreadable: decoded.unreadable, position: reached)
    }

    /// Accepted notifications by status, for `backstop_alertmanager_notifications_total`.
    package func notificationCounts() async throws(StoreError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM alert_notifications GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    package func handledAlertTransitions(
        _ keys: [AlertTransition.Key]
    ) async throws(StoreError) -> [AlertTransition.Key: AlertTransition] {
        guard !keys.isEmpty else { return [:] }
        return try await read { db in
            var found: [AlertTransition.Key: AlertTransition] = [:]
            // One prepared statement for every key (a triage batch asks for all its alerts).
            let lookup = try db.cachedStatement(
                sql: """
                    SELECT action, notification_id, alert_name, asset, incident_id FROM alert_transitions
                    WHERE fingerprint = ? AND starts_at = ? AND status = ?
                    """)
            for key in Set(keys) {
                let row = try Row.fetchOne(
                    lookup, arguments: ExactText.arguments([key.fingerprint, key.startsAtMilliseconds, key.status.rawValue]))
                guard let row else { continue }
                found[key] = AlertTransition(
                    key: key, action: AlertTransition.Action(rawValue: row["action"]) ?? .none, notificationID: row["notification_id"],
                    alertName: row["alert_name"], asset: row["asset"], incidentID: row["incident_id"])
            }
            return found
        }
    }

    package func firingAlerts(incidentID: String) async throws(StoreError) -> [AlertTransition.Key] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT f.fingerprint, f.starts_at FROM alert_transitions f
                    WHERE f.incident_id = ? AND f.status = 'firing' AND NOT EXISTS (
                        SELECT 1 FROM alert_transitions r
                        WHERE r.fingerprint = f.fingerprint AND r.starts_at = f.starts_at AND r.status = 'resolved')
                    """, arguments: [incidentID]
            ).map { row in
                AlertTransition.Key(
                    fingerprint: row["fingerprint"], startsAtMilliseconds: row["starts_at"], status: .firing)
            }
        }
    }
}
