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

        /// The answer's JSON, `{"status":"accepted","id":"ntf_…","alerts":2}`, written out: it
        /// is the response Backstop sends most (one per notification of a storm), and the API's
        /// encoder (sorted, pretty-printed, snake-cased keys) took 2% of the intake's CPU for
        /// three fields. A status and an id of letters, digits, `_` and `-` need no escaping;
        /// anything else goes through the encoder.
        func json() throws -> ByteBuffer {
            guard Self.isPlain(status), id.map(Self.isPlain) ?? true else { return ByteBuffer(bytes: try JSONEncoder.api.encode(self)) }
            // Written piece by piece into one buffer: string interpolation grew a string for
            // each piece and then copied it (eight allocations for every answer).
            var json = ByteBuffer()
            json.reserveCapacity(64 + status.utf8.count + (id?.utf8.count ?? 0))
            json.writeStaticString(#"{"status":""#)
            json.writeString(status)
            if let id {
                json.writeStaticString(#"","id":""#)
                json.writeString(id)
            }
            json.writeStaticString(#"","alerts":"#)
            json.writeString(String(alerts))
            json.writeStaticString("}")
            return json
        }

        /// Text JSON takes as it is, between quotes.
        static func isPlain(_ text: String) -> Bool {
            text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default: false
                }
            }
        }
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
                    fromText: text, id: Self.notificationIDs.make(at: now), receivedAt: now)
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
                return JSONResponse.make(json: try Answer(status: "duplicate", alerts: notification.alerts.count).json())
            }
            metrics.recordNotification(status: notification.status.rawValue)
            intake.enqueue(notification)
            return JSONResponse.make(json: try Answer(status: "accepted", id: notification.id, alerts: notification.alerts.count).json())
        }
    }
}
