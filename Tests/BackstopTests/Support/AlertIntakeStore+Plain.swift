import BackstopCore

extension AlertIntakeStore {
    /// Tests write plain notifications; the record gets them in the form kept for notifications
    /// without a request body (``EncodedNotification/init(_:)``). The webhook's own form, the
    /// body as accepted, is tested through the webhook.
    func appendNotification(_ notification: AlertNotification) async throws(StoreError) -> NotificationWrite {
        try await appendNotification(EncodedNotification(notification))
    }

    func appendNotifications(_ batch: [AlertNotification]) async throws(StoreError) -> [NotificationWrite] {
        try await appendNotifications(batch.map { EncodedNotification($0) })
    }
}
