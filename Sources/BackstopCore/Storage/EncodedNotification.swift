import Foundation

/// A notification with the JSON the intake record stores for it (`notification_json`), made by
/// the request's own task before it joins a group commit: the commit is serial, and encoding a
/// batch there took a quarter of each commit under load (about 45 µs a notification).
///
/// Codable as itself (both fields) for the PostgreSQL outage buffer, which must hand the drain
/// the same stored JSON the webhook accepted.
package struct EncodedNotification: Sendable, Equatable, Codable {
    package let notification: AlertNotification
    /// What `notification_json` holds: for a notification the webhook accepted, its request body
    /// exactly as it arrived (the record keeps what was accepted, and re-encoding it was about a
    /// tenth of the intake's CPU); otherwise (``init(_:)``) Foundation's JSON of the notification.
    package let json: String

    /// A notification the webhook accepted, with the body it was decoded from.
    package init(_ notification: AlertNotification, acceptedBody: String) {
        self.notification = notification
        json = acceptedBody
    }

    /// A notification that arrived without a body of its own: Foundation's default JSON of it,
    /// numbers for times, so an alert's start keeps its milliseconds when read back. Records
    /// written before bodies were kept hold this form too.
    package init(_ notification: AlertNotification) {
        self.notification = notification
        json = String(decoding: (try? JSONEncoder().encode(notification)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
