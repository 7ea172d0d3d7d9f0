import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// The alert triage as wired for real use: the ledger and the intake record in SQLite.
package typealias FileAlertTriage = AlertTriage<SQLiteRunStore>

/// Triages accepted Alertmanager notifications one at a time, in the order they arrived, after
/// the webhook has answered. At start, notifications accepted but never triaged (Backstop
/// stopped in between) are triaged first: an accepted notification is never lost.
package struct AlertIntakeService: Service {
    package let triage: FileAlertTriage
    package let store: SQLiteRunStore
    package let logger: Logger
    private let notifications: AsyncStream<AlertNotification>
    private let continuation: AsyncStream<AlertNotification>.Continuation

    package init(triage: FileAlertTriage, store: SQLiteRunStore, logger: Logger) {
        self.triage = triage
        self.store = store
        self.logger = logger
        (notifications, continuation) = AsyncStream.makeStream(of: AlertNotification.self)
    }

    package func enqueue(_ notification: AlertNotification) {
        continuation.yield(notification)
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await triageBacklog()
            for await notification in notifications {
                // Left untriaged on shutdown: the next start triages it from the record.
                if Task.isCancelled { break }
                await triage(notification)
            }
        }
    }

    package func triageBacklog() async {
        do {
            let backlog = try await store.untriagedNotifications()
            for id in backlog.unreadable {
                logger.error(
                    "an accepted Alertmanager notification cannot be read back from the record; see alert_notifications",
                    metadata: ["notification": "\(id)"])
            }
            for notification in backlog.notifications { await triage(notification) }
        } catch {
            logger.error("could not read the notifications left untriaged", metadata: ["error": "\(error)"])
        }
    }

    package func triage(_ notification: AlertNotification) async {
        do {
            try await triage.triage(notification)
        } catch {
            logger.error(
                "could not triage an Alertmanager notification; it will be triaged at the next start",
                metadata: ["notification": "\(notification.id)", "error": "\(error)"])
        }
    }
}
