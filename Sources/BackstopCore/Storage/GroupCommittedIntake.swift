/// The Alertmanager intake as the webhook uses it: notifications arriving together are written by
/// ``GroupCommit`` in one transaction of the underlying store
/// (``AlertIntakeStore/appendNotifications(_:)``), and each request's answer waits for its own
/// commit, so "answered 2xx" still means "durable". Reads go straight to the store.
package struct GroupCommittedIntake: AlertIntakeStore {
    package let store: any AlertIntakeStore
    private let group: GroupCommit<EncodedNotification, NotificationWrite>

    /// `priority`, when given, is told of each request and commit, so triage lets the intake go first.
    package init(store: any AlertIntakeStore, maxBatch: Int = 512, priority: IntakePriority? = nil) {
        self.store = store
        group = GroupCommit(maxBatch: maxBatch, priority: priority) { batch async throws(StoreError) in
            try await store.appendNotifications(batch)
        }
    }

    /// The notification comes encoded by the caller's task, so the serial commit only writes.
    package func appendNotification(_ notification: EncodedNotification) async throws(StoreError) -> NotificationWrite {
        try await group.submit(notification)
    }

    package func appendNotifications(_ batch: [EncodedNotification]) async throws(StoreError) -> [NotificationWrite] {
        try await store.appendNotifications(batch)
    }

    package func untriagedNotifications(after position: Int64?, limit: Int) async throws(StoreError) -> UntriagedNotifications {
        try await store.untriagedNotifications(after: position, limit: limit)
    }

    package func notificationCounts() async throws(StoreError) -> [String: Int] {
        try await store.notificationCounts()
    }
}
