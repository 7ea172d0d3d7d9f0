import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A triage batch's decisions commit in one transaction, on SQLite and PostgreSQL: all of them or none, and a
/// decision written from a read taken before a delivery keeps the tracker's reference.
@Suite struct LedgerBatchCommitTests {
    static let now = StoreSamples.now

    static func opening(_ id: String) -> LedgerChange {
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident(id)]
        change.messages = [StoreSamples.message(id, target: .jira)]
        return change
    }

    @Test func aBatchThatFailsCommitsNoneOfItsDecisions() async throws {
        let directory = try TemporaryDirectory()
        try await Self.commitsNoneOfAFailingBatch(try SQLiteRunStore(path: directory.file("record.db")))
    }

    @Test func onPostgresABatchThatFailsCommitsNoneOfItsDecisions() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        try await Self.commitsNoneOfAFailingBatch(store)
        // The batch's rows joined the record's chains in order: the record verifies.
        #expect(try await store.verifyChains().breaks.isEmpty)
    }

    static func commitsNoneOfAFailingBatch(_ store: some IncidentStore) async throws {
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
    }

    @Test func aDecisionFromAnEarlierReadKeepsTheReferenceADeliveryRecorded() async throws {
        let directory = try TemporaryDirectory()
        try await Self.keepsTheReferenceADeliveryRecorded(try SQLiteRunStore(path: directory.file("record.db")))
    }

    @Test func onPostgresADecisionFromAnEarlierReadKeepsTheReferenceADeliveryRecorded() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        try await Self.keepsTheReferenceADeliveryRecorded(store)
    }

    static func keepsTheReferenceADeliveryRecorded(_ store: some IncidentStore) async throws {
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
}

/// PostgreSQL appends a batch's rows with one INSERT per table and chunk: the rows keep their
/// order in the chain, across the chunk boundary too.
@Suite struct PostgresMultiRowAppendTests {
    @Test func aBatchLargerThanOneStatementKeepsItsOrderAndItsChain() async throws {
        let fixture = try await PostgresStoreFixture.start()
        let store = try await PostgresStore.open(fixture.store, logger: PostgresStoreFixture.quietLogger)
        defer { store.close() }
        // alert_notifications has 9 columns with the hashes, so 3,333 rows fit one statement.
        let batch = (0..<3_500).map { index in
            StoreSamples.notification(String(format: "ntf_%05d", index), dedupKey: "group-\(index)")
        }
        #expect(try await store.appendNotifications(batch).allSatisfy { $0 == .appended })
        #expect(try await store.untriagedNotifications().notifications.map(\.id) == batch.map(\.id))
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}
