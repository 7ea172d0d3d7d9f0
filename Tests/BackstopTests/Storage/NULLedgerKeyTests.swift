import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The ledger keys incidents by text from outside too (an unmapped alert's asset label): two
/// labels that differ only after a NUL are two incidents, each found by its exact key.
@Suite struct NULLedgerKeyTests {
    static func incident(_ id: String, asset: String) -> Incident {
        let now = Date(timeIntervalSince1970: 1_795_348_800)
        return Incident(
            id: id, dedupKey: "\(asset)|disk_full", asset: asset, cause: .diskFull, schedule: "nightly", state: .open, title: "t",
            summary: "s", openedAt: now, updatedAt: now, lastRunID: "run_x")
    }

    @Test func keysWithNULAreStoredAndFoundExactly() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
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
    @Test func anAlertFingerprintWithNULIsFoundAsHandled() async throws {
        let directory = try TemporaryDirectory()
        let store = try SQLiteRunStore(path: directory.file("backstop.db"))
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
