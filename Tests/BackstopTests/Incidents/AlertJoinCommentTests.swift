import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// A burst of distinct alerts joining one open incident is commented on in its tracker at the
/// 2nd, 4th, 8th, … occurrence, not once per alert; every join is still on the timeline, and a
/// join after a quiet spell is commented again (``AlertJoinComments``).
@Suite struct AlertJoinCommentTests {
    typealias Fixture = AlertTriageBatchTests

    /// One notification with one distinct firing alert about the fixture's asset, received at `at`.
    static func notification(_ index: Int, at: Date) -> AlertNotification {
        AlertNotification(
            id: "ntf_\(index)", receivedAt: at, receiver: "backstop", status: .firing, groupKey: "g-\(index)",
            dedupKey: "d-\(index)", externalURL: nil,
            alerts: [Fixture.alert("fp-\(index)", .firing, summary: "restic: connection timed out")])
    }

    /// The occurrences the tracker was told about, in order: "open" for the opening, then
    /// each update comment's occurrence count.
    static func comments(_ path: Fixture.Path) async throws -> [String] {
        try await path.store.outboxMessages(incidentID: nil).sorted { $0.id < $1.id }.map { message in
            message.action == .update ? message.payload.details["occurrences"] ?? "?" : message.action.rawValue
        }
    }

    @Test func aBurstOfJoinsIsCommentedAtPowersOfTwoAndAQuietOneAlways() async throws {
        let directory = try TemporaryDirectory()
        let path = try Fixture.Path(directory, "record")
        // One alert opens the incident, ten more join it at the same moment.
        for index in 1...11 {
            let notification = Self.notification(index, at: Fixture.now)
            _ = try await path.store.appendNotification(notification)
            let findings = try #require(try await path.triage.findings(for: notification))
            _ = try await path.desk.decide(findings)
        }
        #expect(try await Self.comments(path) == ["open", "2", "4", "8"])
        let incident = try #require(try await path.store.incidents(limit: 5, openOnly: true).first)
        #expect(incident.occurrences == 11)
        // Every join is on the timeline: "alert … firing since …" for each of the 11 alerts.
        let firing = try await path.store.events(incidentID: incident.id).filter { $0.text.hasPrefix("alert BackupFailed firing") }
        #expect(firing.count == 11)
        let eighth = try #require(try await path.store.outboxMessages(incidentID: incident.id).last)
        #expect(eighth.payload.markdown.contains("the next comment comes at occurrence 16"))

        // Five minutes without a change: the next join is commented, without the note.
        path.clock.advance(by: AlertJoinComments.rapidWithin)
        let quiet = Self.notification(12, at: path.clock.now)
        _ = try await path.store.appendNotification(quiet)
        _ = try await path.desk.decide(try #require(try await path.triage.findings(for: quiet)))
        #expect(try await Self.comments(path) == ["open", "2", "4", "8", "12"])
        let twelfth = try #require(try await path.store.outboxMessages(incidentID: incident.id).last)
        #expect(twelfth.payload.markdown.contains("(occurrence 12)"))
        #expect(!twelfth.payload.markdown.contains("quick succession"))
    }

    @Test func aBatchCommentsTheSameJoinsAsOneAtATime() async throws {
        let directory = try TemporaryDirectory()
        let single = try Fixture.Path(directory, "single")
        let batched = try Fixture.Path(directory, "batched")
        let notifications = (1...9).map { Self.notification($0, at: Fixture.now) }
        _ = try await single.store.appendNotifications(notifications)
        _ = try await batched.store.appendNotifications(notifications)
        let handler = { (path: Fixture.Path) in
            NotificationHandler(intake: path.store, triage: path.triage, desk: path.desk, logger: Logger(label: "test"))
        }
        for notification in notifications {
            #expect(await handler(single).handle(batch: [notification]).isEmpty)
        }
        #expect(await handler(batched).handle(batch: notifications).isEmpty)
        #expect(try await Self.comments(single) == ["open", "2", "4", "8"])
        #expect(try await Self.comments(batched) == Self.comments(single))
    }
}
