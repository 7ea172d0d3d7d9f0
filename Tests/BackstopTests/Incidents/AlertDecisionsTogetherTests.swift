import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// A storm's batch decided in one turn of the desk and committed in one transaction
/// (``NotificationHandler/handle(batch:)``) ends as the same notifications decided and committed
/// one at a time: each decision reads what the ones before it decided, not yet committed.
@Suite struct AlertDecisionsTogetherTests {
    typealias Fixture = AlertTriageBatchTests

    static func notification(_ id: String, _ alerts: [ReceivedAlert]) -> AlertNotification {
        AlertNotification(
            id: id, receivedAt: Fixture.now, receiver: "backstop", status: alerts[0].status, groupKey: "g-\(id)", dedupKey: "d-\(id)",
            externalURL: nil, alerts: alerts)
    }

    static func alert(_ fingerprint: String, _ status: ReceivedAlert.Status, asset: String, summary: String) -> ReceivedAlert {
        ReceivedAlert(
            status: status, labels: ["alertname": "BackupFailed", "asset": asset], annotations: ["summary": summary],
            startsAt: Fixture.now.addingTimeInterval(-60), fingerprint: fingerprint)
    }

    /// The storm of ``AlertTriageBatchTests``, then within the same batch, about an asset Backstop
    /// does not verify: an alert opens an incident, a second joins it, both resolve (the last
    /// one resolves the incident, read through the batch's own resolutions), a third reopens it,
    /// and a resolution repeats.
    static let notifications: [AlertNotification] =
        Fixture.notifications + [
            notification("ntf_6", [alert("fp-4", .firing, asset: "billing-db", summary: "disk full")]),
            notification("ntf_7", [alert("fp-5", .firing, asset: "billing-db", summary: "disk full")]),
            notification("ntf_8", [alert("fp-5", .resolved, asset: "billing-db", summary: "disk full")]),
            notification("ntf_9", [alert("fp-4", .resolved, asset: "billing-db", summary: "disk full")]),
            notification("ntf_10", [alert("fp-6", .firing, asset: "billing-db", summary: "disk full")]),
            notification("ntf_11", [alert("fp-4", .resolved, asset: "billing-db", summary: "disk full")]),
        ]

    /// The record after the triage, without generated ids and times: incidents with their
    /// timelines, and each alert transition with the incident it names.
    static func outcome(_ path: Fixture.Path) async throws -> [String] {
        let incidents = try await path.store.incidents(limit: 50, openOnly: false)
        var names: [String: String] = [:]
        var lines: [String] = []
        for incident in incidents {
            let events = try await path.store.events(incidentID: incident.id).map(\.kind.rawValue)
            let name = "\(incident.asset)/\(incident.cause.rawValue)"
            names[incident.id] = name
            lines.append("incident \(name) \(incident.state) x\(incident.occurrences) \(events)")
        }
        let transitions = try await path.store.handledAlertTransitions(notifications.flatMap { $0.alerts.map(\.transition) })
        lines += transitions.values.map { transition in
            "\(transition.key.fingerprint) \(transition.key.status) \(transition.action) by \(transition.notificationID) "
                + "on \(transition.incidentID.flatMap { names[$0] } ?? "-")"
        }
        lines.append("untriaged: \(try await path.store.untriagedNotifications().notifications.map(\.id))")
        return lines.sorted()
    }

    static func handler(_ path: Fixture.Path) -> NotificationHandler {
        NotificationHandler(intake: path.store, triage: path.triage, desk: path.desk, logger: Logger(label: "test"))
    }

    @Test func aBatchDecidedInOneTurnEndsAsOneAtATime() async throws {
        let directory = try TemporaryDirectory()
        let single = try Fixture.Path(directory, "single")
        let together = try Fixture.Path(directory, "together")
        _ = try await single.store.appendNotifications(Self.notifications)
        _ = try await together.store.appendNotifications(Self.notifications)

        for notification in Self.notifications {
            #expect(await Self.handler(single).handle(batch: [notification]).isEmpty)
        }
        #expect(await Self.handler(together).handle(batch: Self.notifications).isEmpty)

        let alone = try await Self.outcome(single)
        #expect(try await Self.outcome(together) == alone)
        // The shapes the batch had to get right: resolved by its last alert, then reopened.
        let billing = try #require(alone.first { $0.hasPrefix("incident billing-db/") })
        #expect(billing.contains(" open x3 ") && billing.contains("\"resolved\", \"updated\", \"reopened\""), "\(billing)")
        #expect(alone.contains { $0.hasPrefix("fp-4 resolved resolved by ntf_9 on billing-db/") })
        #expect(alone.contains { $0.hasPrefix("fp-6 firing opened by ntf_10 on billing-db/") })
        #expect(alone.contains("untriaged: []"))
    }

    /// A record with the notifications appended and triaged once, and the outcome.
    static func triagedOnce(_ directory: TemporaryDirectory) async throws -> (Fixture.Path, [String]) {
        let path = try Fixture.Path(directory, "record")
        _ = try await path.store.appendNotifications(Self.notifications)
        #expect(await Self.handler(path).handle(batch: Self.notifications).isEmpty)
        return (path, try await Self.outcome(path))
    }

    @Test func aBatchTriagedAgainDecidesNothingTwice() async throws {
        let directory = try TemporaryDirectory()
        let (path, once) = try await Self.triagedOnce(directory)
        // The backlog again (a restart that found the batch queued twice): every notification is marked.
        #expect(await Self.handler(path).handle(batch: Self.notifications).isEmpty)
        #expect(try await Self.outcome(path) == once)
    }

    /// A copy Alertmanager sends after the store's repeat window (``NotificationRepeats``, an
    /// hour; these notifications were received days ago) is recorded again, and its triage finds
    /// every alert acted on: nothing is opened, updated or resolved twice.
    @Test func aCopyRecordedAgainAfterTheRepeatWindowDecidesNothing() async throws {
        let directory = try TemporaryDirectory()
        let (path, once) = try await Self.triagedOnce(directory)
        let copies = Self.notifications.map { notification in
            var copy = notification
            copy.id = "copy-\(notification.id)"
            copy.receivedAt = Date()
            return copy
        }
        #expect(try await path.store.appendNotifications(copies) == copies.map { _ in .appended })
        #expect(try await path.store.untriagedNotifications().notifications.count == copies.count)
        #expect(await Self.handler(path).handle(batch: copies).isEmpty)
        #expect(try await Self.outcome(path) == once)
    }
}
