import BackstopCore
import Foundation
import GRDB

/// The Alertmanager intake record.
extension SQLiteRunStore {
    /// Appends an accepted notification; false when one with the same dedup key is already in
    /// the record (a retry or an HA peer's copy), in which case nothing is written.
    package func appendNotification(_ notification: AlertNotification) async throws(StoreError) -> Bool {
        let json = String(decoding: (try? JSONEncoder.record.encode(notification)) ?? Data("{}".utf8), as: UTF8.self)
        return try await write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM alert_notifications WHERE dedup_key = ?", arguments: [notification.dedupKey])
                ?? false
            {
                return false
            }
            try HashChain.append(
                db, table: "alert_notifications",
                values: [
                    notification.id, notification.receivedAt.timeIntervalSince1970, notification.receiver,
                    notification.status.rawValue, notification.groupKey, notification.dedupKey, json,
                ])
            return true
        }
    }

    /// Notifications accepted but not yet triaged (Backstop stopped in between), oldest first.
    package func untriagedNotifications() async throws(StoreError) -> [AlertNotification] {
        let texts = try await read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT notification_json FROM alert_notifications
                    WHERE id NOT IN (SELECT run_id FROM triaged_runs) ORDER BY seq
                    """)
        }
        return texts.compactMap { try? JSONDecoder.record.decode(AlertNotification.self, from: Data($0.utf8)) }
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
            for key in Set(keys) {
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT action, notification_id, alert_name, asset, incident_id FROM alert_transitions
                        WHERE fingerprint = ? AND starts_at = ? AND status = ?
                        """,
                    arguments: [key.fingerprint, key.startsAt.timeIntervalSince1970, key.status.rawValue])
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
                    fingerprint: row["fingerprint"], startsAt: Date(timeIntervalSince1970: row["starts_at"]), status: .firing)
            }
        }
    }

    static func append(_ transition: AlertTransition, at: Date, _ db: Database) throws {
        try HashChain.append(
            db, table: "alert_transitions",
            values: [
                transition.key.fingerprint, transition.key.startsAt.timeIntervalSince1970, transition.key.status.rawValue,
                transition.action.rawValue, transition.notificationID, transition.alertName, transition.asset, transition.incidentID,
                at.timeIntervalSince1970,
            ])
    }
}
