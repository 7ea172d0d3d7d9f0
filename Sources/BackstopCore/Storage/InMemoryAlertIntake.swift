import Foundation

/// An ``AlertIntakeStore`` in memory, for core tests. Whether a notification was triaged is
/// the ledger's mark, so it reads it from the ledger it shares with the triage.
package actor InMemoryAlertIntake: AlertIntakeStore {
    private let ledger: InMemoryIncidentStore
    private var notifications: [AlertNotification] = []

    package init(ledger: InMemoryIncidentStore) {
        self.ledger = ledger
    }

    package func appendNotifications(_ batch: [EncodedNotification]) throws(StoreError) -> [NotificationWrite] {
        var added: [AlertNotification] = []
        var writes: [NotificationWrite] = []
        for notification in batch.map(\.notification) {
            if (notifications + added).contains(where: { $0.dedupKey == notification.dedupKey }) {
                writes.append(.duplicate)
                continue
            }
            // As the SQLite table's unique id: a taken id fails the write (the whole batch, as a
            // transaction would), and the webhook answers 503.
            guard !(notifications + added).contains(where: { $0.id == notification.id }) else {
                throw StoreError("notification id \(notification.id) is already in the intake; Alertmanager's retry gets a new one")
            }
            added.append(notification)
            writes.append(.appended)
        }
        notifications += added
        return writes
    }

    /// A notification's position is its place in the intake, counted from 1 as table rows are.
    package func untriagedNotifications(after position: Int64?, limit: Int) async throws(StoreError) -> UntriagedNotifications {
        var waiting: [AlertNotification] = []
        var reached = position ?? 0
        for (offset, notification) in notifications.enumerated().dropFirst(Int(position ?? 0)) {
            if waiting.count == limit { break }
            reached = Int64(offset + 1)
            if await !ledger.isTriaged(runID: notification.id) { waiting.append(notification) }
        }
        return UntriagedNotifications(notifications: waiting, unreadable: [], position: reached)
    }

    package func notificationCounts() -> [String: Int] {
        Dictionary(grouping: notifications, by: \.status.rawValue).mapValues(\.count)
    }
}
