import BackstopCore

extension AlertIntakeStore {
    /// Tests write plain notifications; the record gets them encoded as a webhook request encodes them.
    func appendNotifications(_ batch: [AlertNotification]) async throws(StoreError) -> [NotificationWrite] {
        try await appendNotifications(batch.map(EncodedNotification.init))
    }
}
