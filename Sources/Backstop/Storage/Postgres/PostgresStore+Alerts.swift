import BackstopCore
import Foundation
import GRDB
import PostgresNIO

/// The Alertmanager intake on PostgreSQL. A repeat is looked up in the whole record under the
/// chain's table lock, so a copy of a notification posted to another replica at the same moment
/// is a duplicate here too (replicas share this store; SQLite's in-memory window could not see
/// another process's writes, ``NotificationRepeats``).
extension PostgresStore: AlertIntakeStore {
    /// Appends notifications that arrived together in one transaction: a repeat of a dedup key
    /// (already stored, or earlier in the batch) is a duplicate; a taken id fails the whole batch.
    func appendStoredNotifications(_ batch: [EncodedNotification]) async throws(StoreError) -> [NotificationWrite] {
        guard let first = batch.first?.notification else { return [] }
        let rows = batch.map { encoded in (encoded.notification.dedupKey, RecordRows.values(encoded)) }
        let keys = rows.map(\.0)
        return try await write("appending \(batch.count) notification(s) from \(first.id)") { connection in
            // The chain's table lock serialises appends, so checking then inserting is race-free.
            let lock = try await self.lock("alert_notifications", connection)
            var seen = Set(
                try await self.fetchAll(connection, "SELECT dedup_key FROM alert_notifications WHERE dedup_key = ANY(\(keys))")
                    .map { $0["dedup_key"] as String })
            var writes: [NotificationWrite] = []
            var appended: [RecordRows.Values] = []
            for (key, values) in rows {
                guard seen.insert(key).inserted else {
                    writes.append(.duplicate)
                    continue
                }
                appended.append(values)
                writes.append(.appended)
            }
            try await self.append(connection, rows: appended, holding: lock)
            return writes
        }
    }

    /// As SQLite's. The end of the record is read first and the page stops there: the table's
    /// chain lock orders its writers, so every row up to that end has committed, and a row
    /// committed while the page is read waits for the next page instead of being passed over.
    package func untriagedNotifications(after position: Int64?, limit: Int) async throws(StoreError) -> UntriagedNotifications {
        let (rows, reached) = try await read("reading untriaged notifications") { connection in
            let end: Int64? = try await self.fetchOne(connection, "SELECT MAX(seq) AS maximum FROM alert_notifications")?["maximum"]
            guard let end else { return ([StoredNotification](), position) }
            let found = try await self.fetchAll(
                connection,
                """
                SELECT seq, id, received_at, notification_json FROM alert_notifications n
                WHERE seq > \(position ?? 0) AND seq <= \(end)
                AND NOT EXISTS (SELECT 1 FROM triaged_runs t WHERE t.run_id = n.id) ORDER BY seq LIMIT \(Int64(clamping: limit))
                """)
            return (found.map(StoredNotification.init(row:)), found.count == limit ? found.last?["seq"] : end)
        }
        let decoded = StoredNotification.notifications(rows)
        return UntriagedNotifications(notifications: decoded.notifications, unreadable: decoded.unreadable, position: reached)
    }

    package func notificationCounts() async throws(StoreError) -> [String: Int] {
        try await read("counting notifications") { connection in
            var counts: [String: Int] = [:]
            for row in try await self.fetchAll(connection, "SELECT status, COUNT(*) AS n FROM alert_notifications GROUP BY status") {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    /// One query for all the keys (a triage batch asks for every alert of its notifications):
    /// the keys go as three arrays, matched row by row against the unique index.
    package func handledAlertTransitions(
        _ keys: [AlertTransition.Key]
    ) async throws(StoreError) -> [AlertTransition.Key: AlertTransition] {
        let keys = Array(Set(keys))
        guard !keys.isEmpty else { return [:] }
        let fingerprints = keys.map(\.fingerprint)
        let startsAt = keys.map(\.startsAtMilliseconds)
        let statuses = keys.map(\.status.rawValue)
        return try await read("reading handled alert transitions") { connection in
            var found: [AlertTransition.Key: AlertTransition] = [:]
            let rows = try await self.fetchAll(
                connection,
                """
                SELECT k.position, t.action, t.notification_id, t.alert_name, t.asset, t.incident_id
                FROM unnest(\(fingerprints)::text[], \(startsAt)::bigint[], \(statuses)::text[])
                  WITH ORDINALITY AS k(fingerprint, starts_at, status, position)
                JOIN alert_transitions t ON t.fingerprint = k.fingerprint AND t.starts_at = k.starts_at AND t.status = k.status
                """)
            for row in rows {
                let position: Int64 = row["position"]
                guard position >= 1, position <= keys.count else { continue }
                let key = keys[Int(position) - 1]
                found[key] = AlertTransition(
                    key: key, action: AlertTransition.Action(rawValue: row["action"]) ?? .none, notificationID: row["notification_id"],
                    alertName: row["alert_name"], asset: row["asset"], incidentID: row["incident_id"])
            }
            return found
        }
    }

    package func firingAlerts(incidentID: String) async throws(StoreError) -> [AlertTransition.Key] {
        try await read("reading the firing alerts of \(incidentID)") { connection in
            try await self.fetchAll(
                connection,
                """
                SELECT f.fingerprint, f.starts_at FROM alert_transitions f
                WHERE f.incident_id = \(incidentID) AND f.status = 'firing' AND NOT EXISTS (
                    SELECT 1 FROM alert_transitions r
                    WHERE r.fingerprint = f.fingerprint AND r.starts_at = f.starts_at AND r.status = 'resolved')
                ORDER BY f.seq
                """
            ).map { row in
                AlertTransition.Key(fingerprint: row["fingerprint"], startsAtMilliseconds: row["starts_at"], status: .firing)
            }
        }
    }
}
