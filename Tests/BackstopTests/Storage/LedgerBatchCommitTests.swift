import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A triage batch's decisions commit in one transaction, on SQLite and PostgreSQL: all of them
/// or none, each record table's rows in the order one change at a time would leave them, and a
/// decision written from a read taken before a delivery keeps the tracker's reference. (The
/// in-memory store has no transactions: it commits change by change.)
@Suite struct LedgerBatchCommitTests {
    static let now = StoreSamples.now
    static let transactional: [StoreBackend] = [.sqlite, .postgres]

    static func opening(_ id: String) -> LedgerChange {
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident(id)]
        change.messages = [StoreSamples.message(id, target: .jira)]
        return change
    }

    /// The store's hash chains, for the backends that keep them.
    static func chainBreaks(_ stores: StoreBackend.Stores) async throws -> [ChainBreak] {
        try await #require(stores.record as? any RecordStore).verifyChains().breaks
    }

    @Test(arguments: transactional)
    func aBatchThatFailsCommitsNoneOfItsDecisions(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let store = stores.ledger
        // The second opens another incident for the same key while the first is open: the
        // store refuses it, and with it the whole batch.
        let batch = [MarkedChange(Self.opening("inc_1"), mark: "ntf_1"), MarkedChange(Self.opening("inc_2"), mark: "ntf_2")]
        await #expect(throws: StoreError.self) { try await store.commit(batch: batch) }
        #expect(try await store.incident(id: "inc_1") == nil)
        #expect(try await store.triagedIDs(among: ["ntf_1", "ntf_2"]).isEmpty)
        #expect(try await store.outboxMessages(incidentID: nil).isEmpty)

        try await store.commit(batch: [batch[0], MarkedChange(LedgerChange(), mark: "ntf_2")])
        #expect(try await store.incident(id: "inc_1") != nil)
        #expect(try await store.triagedIDs(among: ["ntf_1", "ntf_2"]) == ["ntf_1", "ntf_2"])
        #expect(try await Self.chainBreaks(stores).isEmpty)
    }

    @Test(arguments: transactional)
    func aBatchsRowsKeepTheOrderOfItsChanges(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        var opening = Self.opening("inc_1")
        opening.events = [IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .opened, text: "1")]
        let later = (2...4).map { index in
            var change = LedgerChange()
            change.events = [
                IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .updated, text: "\(index)a"),
                IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .updated, text: "\(index)b"),
            ]
            return MarkedChange(change, mark: "ntf_\(index)")
        }
        try await stores.ledger.commit(batch: [MarkedChange(opening, mark: "ntf_1")] + later)
        #expect(try await stores.ledger.events(incidentID: "inc_1").map(\.text) == ["1", "2a", "2b", "3a", "3b", "4a", "4b"])
        #expect(try await stores.ledger.triagedIDs(among: (1...4).map { "ntf_\($0)" }).count == 4)
        #expect(try await Self.chainBreaks(stores).isEmpty)
    }

    @Test(arguments: transactional)
    func aDecisionFromAnEarlierReadKeepsTheReferenceADeliveryRecorded(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let store = stores.ledger
        try await store.commit(Self.opening("inc_1"), triagedRunID: "ntf_1")
        // The desk read the incident before the delivery recorded where the tracker filed it.
        var read = try #require(try await store.incident(id: "inc_1"))
        let delivered = IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .delivered, text: "open delivered to tracker")
        try await store.markDelivered(1, reference: ExternalReference(id: "10001", key: "OPS-1"), event: delivered)
        read.occurrences += 1
        var joined = LedgerChange()
        joined.incidents = [read]
        try await store.commit(batch: [MarkedChange(joined, mark: "ntf_2")])

        let stored = try #require(try await store.incident(id: "inc_1"))
        #expect(stored.occurrences == read.occurrences)
        #expect(stored.references[.jira]?.key == "OPS-1")
    }

    /// A storm's batch changes one incident once per notification: the store keeps the last
    /// version, with each version's messages in order, whichever other incident the batch opens
    /// in between.
    @Test(arguments: transactional)
    func anIncidentChangedByEveryDecisionIsStoredAsTheLastLeftIt(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        var incident = StoreSamples.incident("inc_1")
        var batch = [MarkedChange(Self.opening("inc_1"), mark: "ntf_1")]
        for occurrence in 2...4 {
            incident.occurrences = occurrence
            incident.updatedAt = Self.now.addingTimeInterval(Double(occurrence))
            incident.summary = "occurrence \(occurrence)"
            incident.lastRunID = "ntf_\(occurrence)"
            var change = LedgerChange()
            change.incidents = [incident]
            change.messages = [StoreSamples.message("inc_1", target: .jira, action: .update)]
            if occurrence == 3 {
                change.incidents.append(StoreSamples.incident("inc_2", asset: "billing-db"))
                change.messages.append(StoreSamples.message("inc_2", target: .jira))
            }
            batch.append(MarkedChange(change, mark: "ntf_\(occurrence)"))
        }
        try await stores.ledger.commit(batch: batch)

        #expect(try await stores.ledger.incident(id: "inc_1") == incident)
        #expect(try await stores.ledger.incident(id: "inc_2") != nil)
        let messages = try await stores.ledger.outboxMessages(incidentID: nil)
        #expect(messages.map(\.incidentID) == ["inc_1", "inc_1", "inc_1", "inc_2", "inc_1"])
        #expect(messages.map(\.action) == [.open, .update, .update, .open, .update])
        #expect(try await Self.chainBreaks(stores).isEmpty)
    }
}

/// PostgreSQL appends a batch's rows with one INSERT per table and chunk: the rows keep their
/// order in the chain, across the chunk boundary too.
@Suite struct PostgresMultiRowAppendTests {
    @Test func aBatchLargerThanOneStatementKeepsItsOrderAndItsChain() async throws {
        let stores = try await StoreBackend.postgres.make()
        // alert_notifications has 9 columns with the hashes, so 3,333 rows fit one statement.
        let batch = (0..<3_500).map { index in
            StoreSamples.notification(String(format: "ntf_%05d", index), dedupKey: "group-\(index)")
        }
        #expect(try await stores.intake.appendNotifications(batch).allSatisfy { $0 == .appended })
        #expect(try await stores.intake.untriagedNotifications().notifications.map(\.id) == batch.map(\.id))
        #expect(try await LedgerBatchCommitTests.chainBreaks(stores).isEmpty)
    }
}
