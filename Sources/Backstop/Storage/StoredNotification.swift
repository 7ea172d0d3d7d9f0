import BackstopCore
import BackstopInput
import Foundation
import GRDB

/// An `alert_notifications` row as read back for triage. `notification_json` holds one of two forms
/// (``EncodedNotification``): the webhook request's body as accepted, decoded again by the
/// webhook's own decoder with the row's id and time; or, in rows written before bodies were
/// kept, Foundation's JSON of the notification. The two cannot be mistaken for each other: a
/// body's alert times are RFC 3339 text, the other form's are numbers.
struct StoredNotification {
    var id: String
    var receivedAt: Date
    var json: String

    init(row: Row) {
        id = row["id"]
        receivedAt = Date(timeIntervalSince1970: row["received_at"])
        json = row["notification_json"]
    }

    /// Nil when the row decodes in neither form (reported by the caller, never dropped).
    var notification: AlertNotification? {
        let data = Data(json.utf8)
        if let accepted = try? AlertmanagerPayload.notification(from: data, id: id, receivedAt: receivedAt) { return accepted }
        return try? JSONDecoder().decode(AlertNotification.self, from: data)
    }

    /// Decodes rows; the ids of rows that no longer decode are returned apart, so the caller
    /// reports them instead of dropping them.
    static func notifications(_ rows: [StoredNotification]) -> (notifications: [AlertNotification], unreadable: [String]) {
        var notifications: [AlertNotification] = []
        var unreadable: [String] = []
        for row in rows {
            if let notification = row.notification {
                notifications.append(notification)
            } else {
                unreadable.append(row.id)
            }
        }
        return (notifications, unreadable)
    }
}
