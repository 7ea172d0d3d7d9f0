import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// An incident's messages to a tracker form a line that goes out in order. A long line (comments
/// held through a tracker outage) is sent on in runs read through the line's own index, and a
/// run is bounded so that another incident's new message does not wait for the whole line.
@Suite struct OutboxLineTests {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)
    static let token = "jira-data-center-token"

    /// An open incident `id` and `count` messages to Jira: its open, then updates (comments).
    static func line(_ id: String, asset: String, count: Int) -> LedgerChange {
        var change = LedgerChange()
        change.incidents = [
            Incident(
                id: id, dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", state: .open,
                title: "\(asset): disk full", summary: "The backup of \(asset) failed.", openedAt: now, updatedAt: now,
                lastRunID: "run_\(id)")
        ]
        change.messages = (0..<count).map { index in
            let payload = OutboxPayload(
                title: "\(asset): disk full", summary: "occurrence \(index + 1)", markdown: "Occurrence \(index + 1) of \(asset).",
                dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", reportURL: nil, details: [:],
                occurredAt: now)
            return OutboxMessage(incidentID: id, target: .jira, action: index == 0 ? .open : .update, payload: payload, createdAt: now)
        }
        return change
    }

    /// Delivery into `store` through the real Jira sink and the Jira stand-in at `url`.
    static func delivery(_ store: SQLiteRunStore, jiraURL url: String) -> OutboxDeliveryService {
        var configuration = JiraConfiguration(url: url, project: "OPS", token: Secret(token))
        configuration.api = 2
        configuration.issueType = "Task"
        return OutboxDeliveryService(
            store: store, sinks: [.jira: JiraSink(configuration: configuration, http: SinkHTTPClient(timeout: .seconds(30)))],
            fallbackPager: nil, policy: DeliveryPolicy(), clock: ManualClock(now: now), dryRun: false, logger: Logger(label: "test"))
    }

    /// The outbox ids in the markers of an issue's comments, in the order Jira received them.
    static func commentedMessageIDs(_ issue: JiraIssue?, incident: String) -> [Int64] {
        (issue?.comments ?? []).compactMap { comment in
            let text = "\(comment.body)"
            guard let marker = text.range(of: "backstop-message:\(incident):") else { return nil }
            return Int64(text[marker.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test func aLongLineGoesOutInOrderEachMessageOnce() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        try await store.commit(Self.line("inc_long", asset: "orders-db", count: 150), triagedRunID: nil)
        let jira = try FakeJira(authentication: .bearer(token: Self.token))
        try await jira.run { url in
            let sent = try await Self.delivery(store, jiraURL: url).deliverDue()
            #expect(sent == 150)
        }
        #expect(jira.issues.count == 1)
        let key = try #require(try await store.incident(id: "inc_long")?.references[.jira]?.key)
        #expect(Self.commentedMessageIDs(jira.issue(key), incident: "inc_long") == Array(2...150))
        let messages = try await store.outboxMessages(incidentID: "inc_long")
        #expect(messages.allSatisfy { $0.state == .delivered && $0.attempts == 1 })
        #expect(try await store.outboxStatus(now: Self.now).pending == 0)
    }

    @Test func aNewIncidentWaitsForOneRunOfALongLineNotAllOfIt() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let run = OutboxDeliveryService.lineRun
        try await store.commit(Self.line("inc_long", asset: "orders-db", count: 4 * run), triagedRunID: nil)
        let jira = try FakeJira(authentication: .bearer(token: Self.token))
        try await jira.run { url in
            let delivery = Self.delivery(store, jiraURL: url)
            let first = try await delivery.deliverPass()
            #expect(first == run)
            // Another asset fails while the long line is being sent.
            try await store.commit(Self.line("inc_new", asset: "billing-db", count: 1), triagedRunID: nil)
            let second = try await delivery.deliverPass()
            #expect(second == run + 1)
            #expect(try await store.incident(id: "inc_new")?.references[.jira] != nil)
            #expect(jira.issues.count == 2)
            let rest = try await delivery.deliverDue()
            #expect(rest == 2 * run)
        }
        let key = try #require(try await store.incident(id: "inc_long")?.references[.jira]?.key)
        #expect(Self.commentedMessageIDs(jira.issue(key), incident: "inc_long") == Array(2...Int64(4 * run)))
    }
}
