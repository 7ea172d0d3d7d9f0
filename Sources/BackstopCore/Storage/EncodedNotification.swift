import Foundation

/// A notification with the JSON the intake record stores for it (`notification_json`), encoded
/// by the request's own task before it joins a group commit: the commit is serial, and encoding
/// a batch there took a quarter of each commit under load (about 45 µs a notification).
package struct EncodedNotification: Sendable {
    package let notification: AlertNotification
    /// Foundation's default JSON of the notification: numbers for times, so an alert's start
    /// keeps its milliseconds when read back (``AlertIntakeStore/untriagedNotifications()``).
    package let json: String

    package init(_ notification: AlertNotification) {
        self.notification = notification
        json = String(decoding: (try? JSONEncoder().encode(notification)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
