import Backstop
import BackstopCore
import Foundation
import Testing

/// The outbox's contract: order per incident and target, the in-doubt mark, retries and dead
/// letters, held by every backend.
@Suite struct OutboxConformanceTests {
    static let now = StoreSamples.now
    static let tracker = SinkKind.jira
    static let pager = SinkKind.pagerduty

    /// Two incidents, the first with two messages to the tracker and one to the pager.
    static func queued(_ backend: StoreBackend) async throws -> StoreBackend.Stores {
        let stores = try await backend.make()
        let ledger = stores.ledger
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident("inc_1"), StoreSamples.incident("inc_2", asset: "billing-db")]
        change.messages = [
            StoreSamples.message("inc_1", target: tracker), StoreSamples.message("inc_1", target: pager, action: .page),
            StoreSamples.message("inc_1", target: tracker, action: .update), StoreSamples.message("inc_2", target: tracker),
        ]
        try await ledger.commit(change, triagedRunID: nil)
        return stores
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyTheOldestPendingMessageOfAnIncidentAndTargetIsDue(_ backend: StoreBackend) async throws {
        let stores = try await Self.queued(backend)
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        let due = try await ledger.dueMessages(now: Self.now, limit: 10)
        #expect(due.map(\.id) == [1, 2, 4])
        #expect(due.map(\.action) == [.open, .page, .open])
        #expect(try await ledger.dueMessages(now: Self.now, limit: 1).map(\.id) == [1])
        #expect(try await ledger.dueMessages(now: Self.now.addingTimeInterval(-1), limit: 10).isEmpty)
        #expect(try await ledger.outboxMessages(incidentID: "inc_1").map(\.id) == [1, 2, 3])
        #expect(try await ledger.outboxMessages(incidentID: nil).count == 4)
    }

    @Test(arguments: StoreBackend.allCases)
    func aSendIsInDoubtUntilDeliveredAndTheReferenceIsKept(_ backend: StoreBackend) async throws {
        let stores = try await Self.queued(backend)
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        let settled = Self.now.addingTimeInterval(35)
        try await ledger.markSending(1, note: "look in project OPS", settledAt: settled)
        try await ledger.markSending(1, note: "a later note is not kept", settledAt: Self.now)
        var message = try #require(try await ledger.outboxMessages(incidentID: "inc_1").first)
        #expect(message.inDoubt && message.attempts == 2 && message.sinkNote == "look in project OPS")
        // Should this process die now, the next attempt waits until the tracker has settled.
        #expect(message.nextAttemptAt == settled)
        #expect(try await ledger.dueMessages(now: Self.now.addingTimeInterval(34), limit: 10).map(\.id) == [2, 4])

        let delivered = IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .delivered, text: "open delivered to tracker")
        try await ledger.markDelivered(1, reference: ExternalReference(id: "10001", key: "OPS-1"), event: delivered)
        message = try #require(try await ledger.outboxMessages(incidentID: "inc_1").first)
        #expect(message.state == .delivered && !message.inDoubt && message.lastError == nil)
        #expect(try await ledger.incident(id: "inc_1")?.references[Self.tracker]?.key == "OPS-1")
        #expect(try await ledger.events(incidentID: "inc_1") == [delivered])
        // The update queued behind the open is next.
        #expect(try await ledger.dueMessages(now: Self.now, limit: 10).map(\.id) == [2, 3, 4])
    }

    @Test(arguments: StoreBackend.allCases)
    func aRetryWaitsAndADeadLetterQueuesItsFallback(_ backend: StoreBackend) async throws {
        let stores = try await Self.queued(backend)
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        let later = Self.now.addingTimeInterval(300)
        try await ledger.markRetry(1, nextAttemptAt: later, error: "503 from the tracker", inDoubt: true)
        #expect(try await ledger.dueMessages(now: Self.now, limit: 10).map(\.id) == [2, 4])
        var status = try await ledger.outboxStatus(now: Self.now.addingTimeInterval(10))
        #expect(status.pending == 4 && status.dead == 0 && status.oldestPendingAge == 10 && status.nextDue == Self.now)

        let abandoned = IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .deadLetter, text: "open to tracker abandoned")
        try await ledger.markDead(
            1, error: "rejected", event: abandoned, fallback: StoreSamples.message("inc_1", target: Self.pager, action: .page))
        status = try await ledger.outboxStatus(now: Self.now)
        #expect(status.pending == 4 && status.dead == 1)
        let dead = try await ledger.deadLetters(limit: 10)
        #expect(dead.map(\.id) == [1] && dead.first?.lastError == "rejected" && dead.first?.state == .dead)
        #expect(try await ledger.events(incidentID: "inc_1") == [abandoned])
        // The fallback page waits behind the page already queued to the same target.
        #expect(try await ledger.dueMessages(now: Self.now, limit: 10).map(\.id) == [2, 3, 4])
        #expect(try await ledger.outboxMessages(incidentID: "inc_1").map(\.id) == [1, 2, 3, 5])
    }

    @Test(arguments: StoreBackend.allCases)
    func theNextInLineIsTheOldestPendingMessageOfItsLineWhenDue(_ backend: StoreBackend) async throws {
        let stores = try await Self.queued(backend)
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now)?.id == 1)
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.pager, now: Self.now)?.id == 2)
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now.addingTimeInterval(-1)) == nil)
        #expect(try await ledger.nextInLine(incidentID: "inc_3", target: Self.tracker, now: Self.now) == nil)

        // A head waiting for its retry holds the line: the update behind it, though due, is not next.
        try await ledger.markRetry(1, nextAttemptAt: Self.now.addingTimeInterval(300), error: "503 from the tracker", inDoubt: false)
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now) == nil)
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now.addingTimeInterval(300))?.id == 1)

        let delivered = IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .delivered, text: "open delivered to tracker")
        try await ledger.markDelivered(1, reference: nil, event: delivered)
        let next = try #require(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now))
        #expect(next.id == 3 && next.action == .update && next.state == .pending)
        let dropped = IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .deadLetter, text: "update to tracker abandoned")
        try await ledger.markDead(3, error: "rejected", event: dropped, fallback: nil)
        #expect(try await ledger.nextInLine(incidentID: "inc_1", target: Self.tracker, now: Self.now) == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func anEmptyOutboxHasNothingDue(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        #expect(try await ledger.outboxStatus(now: Self.now) == OutboxStatus())
        #expect(try await ledger.dueMessages(now: Self.now, limit: 10).isEmpty)
        #expect(try await ledger.deadLetters(limit: 10).isEmpty)
    }
}
