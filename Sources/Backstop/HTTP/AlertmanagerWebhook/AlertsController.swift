import BackstopCore
import Foundation
import Hummingbird
import Logging

/// `POST /api/v1/alerts`: Alertmanager's webhook. A notification is in the intake record before
/// the 200 goes out, and triaged after; 503 only when the record could not be written, because
/// Alertmanager retries 5xx and treats every other answer as final. Credentials are checked
/// before routing, by ``APIAuthorizationMiddleware``.
struct AlertsController {
    /// Nil leaves the route answering 404.
    let webhook: WebhookConfiguration?
    let intakeRecord: any AlertIntakeStore
    let metrics: BackstopMetrics
    let clock: any WallClock
    let logger: Logger
    let intake: DurableQueueWorker<NotificationHandler>

    struct Answer: Encodable {
        var status: String
        var id: String?
        var alerts: Int
    }

    /// Notifications arrive by the thousands a second in an alert storm: their ids count up, so
    /// each lands beside the last in the record's index (``SequentialRecordIDs``).
    static let notificationIDs = SequentialRecordIDs(prefix: "ntf")

    /// The body as text, for the record to keep as it arrived: JSON between systems is UTF-8 (RFC 8259, section 8.1).
    static func text(of body: ByteBuffer) throws(PayloadError) -> String {
        guard let text = String(validating: body.readableBytesView, as: UTF8.self) else {
            throw PayloadError(message: "the body is not UTF-8 text; JSON between systems must be UTF-8 (RFC 8259)")
        }
        return text
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/api/v1/alerts") { request, _ in
            guard let webhook = self.webhook else {
                throw HTTPError(
                    .notFound,
                    message: "the Alertmanager webhook is off: add a `webhook:` section to the configuration (docs/CONFIGURATION.md)")
            }
            var request = request
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: webhook.maxBodyBytes)
            } catch {
                metrics.recordNotification(status: "rejected")
                throw HTTPError(
                    .contentTooLarge,
                    message:
                        "the notification is larger than \(webhook.maxBodyBytes) bytes; raise webhook.max_body_size or set max_alerts in Alertmanager"
                )
            }
            let now = clock.now
            let notification: AlertNotification
            let accepted: EncodedNotification
            do throws(PayloadError) {
                let text = try Self.text(of: body)
                notification = try AlertmanagerPayload.notification(
                    from: Data(text.utf8), id: Self.notificationIDs.make(at: now), receivedAt: now)
                accepted = EncodedNotification(notification, acceptedBody: text)
            } catch {
                metrics.recordNotification(status: "rejected")
                logger.warning("rejected an Alertmanager notification", metadata: ["problem": "\(error.message)"])
                throw HTTPError(.badRequest, message: "invalid Alertmanager notification: \(error.message)")
            }
            let write: NotificationWrite
            do {
                write = try await intakeRecord.appendNotification(accepted)
            } catch {
                logger.error("could not record an Alertmanager notification", metadata: ["error": "\(error)"])
                throw HTTPError(.serviceUnavailable, message: "the notification could not be recorded; Alertmanager will retry")
            }
            if write == .duplicate {
                return try JSONResponse.make(Answer(status: "duplicate", alerts: notification.alerts.count), status: .ok)
            }
            metrics.recordNotification(status: notification.status.rawValue)
            intake.enqueue(notification)
            return try JSONResponse.make(Answer(status: "accepted", id: notification.id, alerts: notification.alerts.count), status: .ok)
        }
    }
}
