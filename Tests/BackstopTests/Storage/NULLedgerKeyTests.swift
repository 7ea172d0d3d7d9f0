import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The ledger keys incidents by text from outside too (an unmapped alert's asset label): two
/// labels that differ only after a NUL are two incidents, each found by its exact key, on SQLite
/// (text as a blob) and on PostgreSQL (text in PostgresExactText's form).
@Suite struct NULLedgerKeyTests {
    /// The one store of a backend that is record, ledger and intake at once.
    static func store(_ backend: StoreBackend) async throws -> (any RecordStore, StoreBackend.Stores) {
        let stores = try await backend.make()
        return (try #require(stores.record as? any RecordStore), stores)
    }

    static func incident(_ id: String, asset: String) -> Incident {
        let now = Date(timeIntervalSince1970: 1_795_348_800)
        return Incident(
            id: id, dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", state: .open, title: "t",
            summary: "s", openedAt: now, updatedAt: now, lastRunID: "run_x")
    }

    @Test(arguments: [StoreBackend.sqlite, .postgres])
    func keysWithNULAreStoredAndFoundExactly(backend: StoreBackend) async throws {
        let (store, stores) = try await Self.store(backend)
        defer { withExtendedLifetime(stores) {} }
        var change = LedgerChange()
        change.incidents = [Self.incident("inc_a", asset: "x\u{0}a"), Self.incident("inc_b", asset: "x\u{0}b")]
        change.events = [IncidentEvent(incidentID: "inc_a", at: Date(), kind: .opened, text: "opened\u{0}")]
        try await store.commit(change, triagedRunID: nil)
        #expect(try await store.latestIncident(dedupKey: "x\u{0}a|disk_full")?.id == "inc_a")
        #expect(try await store.latestIncident(dedupKey: "x\u{0}b|disk_full")?.asset == "x\u{0}b")
        #expect(try await store.latestIncident(dedupKey: "x") == nil)
        #expect(try await store.openIncidents(asset: "x\u{0}b").map(\.id) == ["inc_b"])
        #expect(try await store.incidentOpenings(asset: "x\u{0}a", cause: .diskFull, since: .distantPast) == ["inc_a"])
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}

extension NULLedgerKeyTests {
    @Test(arguments: [StoreBackend.sqlite, .postgres])
    func anAlertFingerprintWithNULIsFoundAsHandled(backend: StoreBackend) async throws {
        let (store, stores) = try await Self.store(backend)
        defer { withExtendedLifetime(stores) {} }
        let key = AlertTransition.Key(fingerprint: "fp\u{0}1", startsAtMilliseconds: 1_795_348_800_000, status: .firing)
        var change = LedgerChange()
        change.alertTransitions = [
            AlertTransition(key: key, action: .none, notificationID: "ntf_x", alertName: "A", asset: "x\u{0}", incidentID: nil)
        ]
        try await store.commit(change, triagedRunID: nil)
        let other = AlertTransition.Key(fingerprint: "fp", startsAtMilliseconds: key.startsAtMilliseconds, status: .firing)
        let handled = try await store.handledAlertTransitions([key, other])
        #expect(handled.keys.map(\.fingerprint) == ["fp\u{0}1"])
        #expect(handled[key]?.asset == "x\u{0}")
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}

extension NULLedgerKeyTests {
    /// Tool output holding NUL, in a check's evidence, is stored and read back exactly, and the
    /// chain verifies; text that starts with the escape character round-trips too.
    @Test(arguments: [StoreBackend.sqlite, .postgres])
    func evidenceWithNULRoundTrips(backend: StoreBackend) async throws {
        let (store, stores) = try await Self.store(backend)
        defer { withExtendedLifetime(stores) {} }
        var outcome = StoreSamples.outcome("x\u{0}db", healthy: false)
        outcome.checks = [
            .failed(.toolStatus, "exit 1", excerpt: "a\u{0}b: No space left on device"), .passed(.exists, "\u{1}Bnot base64"),
        ]
        try await store.append(StoreSamples.run("run_nul", outcomes: [outcome]))
        let stored = try #require(try await store.run(id: "run_nul"))
        #expect(stored.outcomes.map(\.asset) == ["x\u{0}db"])
        #expect(stored.outcomes.first?.checks.map(\.evidence.excerpt) == ["a\u{0}b: No space left on device", nil])
        #expect(stored.outcomes.first?.checks.map(\.evidence.message) == ["exit 1", "\u{1}Bnot base64"])
        #expect(try await store.verifyChains().breaks.isEmpty)
    }
}
