import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Backstop killed while a tracker still handles its request: the restarted process must not
/// look for the comment or issue before the tracker can have committed it, or it misses it and
/// sends it again (issue 19: a comment posted twice).
@Suite struct InDoubtSettleTests {
    static let now = Date(timeIntervalSince1970: 1_795_348_800)

    static func queuedMessage(in store: SQLiteRunStore) async throws -> OutboxMessage {
        var change = LedgerChange()
        change.incidents = [
            Incident(
                id: "inc_settle", dedupKey: "orders-db|disk_full", asset: "orders-db", cause: .diskFull, schedule: "nightly",
                state: .open, title: "t", summary: "s", openedAt: now, updatedAt: now, lastRunID: "run_x")
        ]
        let payload = OutboxPayload(
            title: "t", summary: "s", markdown: "m", dedupKey: "orders-db|disk_full", asset: "orders-db", cause: .diskFull,
            schedule: "nightly", reportURL: nil, details: [:], occurredAt: now)
        change.messages = [OutboxMessage(incidentID: "inc_settle", target: .jira, action: .update, payload: payload, createdAt: now)]
        try await store.commit(change, triagedRunID: nil)
        return try #require(try await store.dueMessages(now: now, limit: 10).first)
    }

    @Test func aMessageInDoubtIsNotDueUntilTheTrackerHasSettled() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let message = try await Self.queuedMessage(in: store)
        // The process dies here, after "sending" was recorded and before any outcome.
        try await store.markSending(message.id, note: nil, settledAt: Self.now.addingTimeInterval(35))
        #expect(try await store.dueMessages(now: Self.now.addingTimeInterval(34), limit: 10).isEmpty)
        let due = try await store.dueMessages(now: Self.now.addingTimeInterval(35), limit: 10)
        #expect(due.map(\.id) == [message.id])
        #expect(due.first?.inDoubt == true)
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    @Test func aLaterRetryTimeIsKept() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
        let message = try await Self.queuedMessage(in: store)
        try await store.markRetry(message.id, nextAttemptAt: Self.now.addingTimeInterval(600), error: "HTTP 429", inDoubt: false)
        try await store.markSending(message.id, note: nil, settledAt: Self.now.addingTimeInterval(35))
        #expect(try await store.dueMessages(now: Self.now.addingTimeInterval(599), limit: 10).isEmpty)
    }

    /// Trackers that look up what they created wait out the request timeout; PagerDuty, which
    /// makes a repeated event with the same dedup key one alert, does not wait at all.
    @Test func onlySinksThatLookUpWait() throws {
        var policy = DeliveryPolicy()
        policy.timeout = .seconds(30)
        let http = SinkHTTPClient(client: .shared, timeout: policy.timeout)
        let jira = JiraSink(
            configuration: JiraConfiguration(url: "https://example.atlassian.net", project: "OPS", token: Secret("t")), http: http)
        let linear = LinearSink(configuration: LinearConfiguration(teamID: "team", apiKey: Secret("k")), http: http)
        let pagerDuty = PagerDutySink(
            configuration: PagerDutyConfiguration(routingKey: Secret(String(repeating: "k", count: 32))), http: http)
        #expect(OutboxDeliveryService.settleDelay(for: jira, policy: policy) > 30)
        #expect(OutboxDeliveryService.settleDelay(for: linear, policy: policy) > 30)
        #expect(OutboxDeliveryService.settleDelay(for: pagerDuty, policy: policy) == 0)
    }
}
