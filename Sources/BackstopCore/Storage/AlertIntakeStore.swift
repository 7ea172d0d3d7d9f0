/// The Alertmanager intake: every notification the webhook accepted, durable before the 200,
/// so an accepted notification is triaged even when Backstop stops in between.
///
/// Whether a notification has been triaged is the ledger's mark (``IncidentStore/commit(_:triagedRunID:)``
/// with the notification's id), written in the same transaction as its decisions.
package protocol AlertIntakeStore: Sendable {
    /// Appends an accepted notification unless it repeats one accepted before: one with the same
    /// dedup key in the last hour on SQLite (`NotificationRepeats`), ever on PostgreSQL.
    func appendNotification(_ notification: EncodedNotification) async throws(StoreError) -> NotificationWrite

    /// Appends notifications that arrived together in one transaction (one fsync for the batch:
    /// ``GroupCommit``), each unless it repeats one accepted before or earlier in the batch.
    /// All or nothing: throws, having written none, when any of them cannot be written.
    func appendNotifications(_ batch: [EncodedNotification]) async throws(StoreError) -> [NotificationWrite]

    /// Notifications accepted but not yet triaged, oldest first: at most `limit` of those
    /// recorded after `position` (nil: from the start), and the ids of any that could not be
    /// read back (reported, never dropped silently). The page's `position` is where the next
    /// page starts: every notification recorded up to it is in this page or was triaged.
    func untriagedNotifications(after position: Int64?, limit: Int) async throws(StoreError) -> UntriagedNotifications

    /// Accepted notifications by status, for `backstop_alertmanager_notifications_total`.
    func notificationCounts() async throws(StoreError) -> [String: Int]
}

extension AlertIntakeStore {
    /// Every notification accepted but not yet triaged, oldest first.
    package func untriagedNotifications() async throws(StoreError) -> (notifications: [AlertNotification], unreadable: [String]) {
        let page = try await untriagedNotifications(after: nil, limit: Int.max)
        return (page.notifications, page.unreadable)
    }

    /// A batch of one, for stores that write every notification the same way (the group-commit
    /// intake submits it to its batch instead).
    package func appendNotification(_ notification: EncodedNotification) async throws(StoreError) -> NotificationWrite {
        guard let write = try await appendNotifications([notification]).first else {
            throw StoreError("internal: no answer for notification \(notification.notification.id)")
        }
        return write
    }
}

/// What appending a notification did.
package enum NotificationWrite: Sendable, Equatable {
    case appended
    /// One with the same dedup key was accepted before (a retry or an HA peer's copy).
    case duplicate
}

/// A page of the notifications accepted but not yet triaged (``AlertIntakeStore``).
package struct UntriagedNotifications: Sendable {
    package var notifications: [AlertNotification]
    /// Ids of notifications in the page's range that no longer decode.
    package var unreadable: [String]
    /// The record's position (its row sequence) the page reaches: the next page reads after it.
    package var position: Int64?

    package init(notifications: [AlertNotification], unreadable: [String], position: Int64?) {
        self.notifications = notifications
        self.unreadable = unreadable
        self.position = position
    }
}
