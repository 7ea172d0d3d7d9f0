import Backstop
import BackstopCore
import Foundation
import Testing

/// What the PostgreSQL store writes is the same hash-chained record as SQLite's: the chains
/// verify, SQLite's store writes byte-identical hashes for the same values, and a ledger
/// change is committed whole or not at all.
@Suite struct PostgresStoreRecordTests {
    static func sampleRun() -> VerificationRun {
        var outcome = StoreSamples.outcome("orders-db", healthy: false)
        outcome.checks.append(.failed(.freshness, "too old \u{e9}\u{1F4BE}"))
        return StoreSamples.run("run_1", outcomes: [outcome, StoreSamples.outcome("users-db", healthy: true)])
    }

    static func sampleChange() -> LedgerChange {
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident("inc_1")]
        change.events = [IncidentEvent(incidentID: "inc_1", at: StoreSamples.now, kind: .opened, text: "opened")]
        change.messages = [StoreSamples.message("inc_1", target: .jira)]
        return change
    }

    @Test func whatTheStoreAppendsHashesAsOnSQLiteAndVerifies() async throws {
        let postgres = try await StoreBackend.postgres.make()
        let sqlite = try await StoreBackend.sqlite.make()
        defer { extendLifetime((postgres, sqlite)) }
        for stores in [postgres, sqlite] {
            try await stores.record.append(Self.sampleRun())
            try await stores.ledger.commit(Self.sampleChange(), triagedRunID: "run_1")
        }
        let pg = try #require(postgres.record as? PostgresStore)
        let lite = try #require(sqlite.record as? SQLiteRunStore)
        let (rows, breaks) = try await pg.verifyChains()
        #expect(breaks.isEmpty)
        #expect(rows == (try await lite.verifyChains()).rows && rows > 0)
        // The newest hash of each chain is the same on both: the same rows, the same digest.
        let sqliteHashes = try await lite.database.read { db in
            try String.fetchAll(db, sql: "SELECT hash FROM checks ORDER BY seq")
        }
        let postgresHashes = try await SharedPostgres.sql("SELECT hash FROM checks ORDER BY seq", database: pg.configuration.database)
            .split(separator: "\n").map(String.init)
        #expect(postgresHashes == sqliteHashes && sqliteHashes.count == 5)
    }

    @Test func aLedgerChangeThatBreaksAConstraintLeavesNothingBehind() async throws {
        let stores = try await StoreBackend.postgres.make()
        defer { extendLifetime(stores) }
        try await stores.ledger.commit(Self.sampleChange(), triagedRunID: nil)
        // A second open incident for the same key is refused by the schema; its event, message
        // and the run's triage mark must not be committed without it.
        var second = Self.sampleChange()
        second.incidents = [StoreSamples.incident("inc_2")]
        second.events = [IncidentEvent(incidentID: "inc_2", at: StoreSamples.now, kind: .opened, text: "opened")]
        second.messages = [StoreSamples.message("inc_2", target: .jira)]
        await #expect(throws: StoreError.self) { try await stores.ledger.commit(second, triagedRunID: "run_9") }
        #expect(try await !stores.ledger.isTriaged(runID: "run_9"))
        #expect(try await stores.ledger.events(incidentID: "inc_2").isEmpty)
        #expect(try await stores.ledger.outboxMessages(incidentID: nil).map(\.incidentID) == ["inc_1"])
        #expect(try await (stores.record as? PostgresStore)?.verifyChains().breaks.isEmpty == true)
    }
}
