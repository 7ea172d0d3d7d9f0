import BackstopCore
import Foundation
import Testing

/// The incident ledger's contract (incidents, timeline, reports, triage marks, retries, alert
/// transitions), held by every backend.
@Suite struct LedgerConformanceTests {
    static let now = StoreSamples.now

    @Test(arguments: StoreBackend.allCases)
    func aCommittedChangeIsReadBackWhole(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        var change = LedgerChange()
        change.incidents = [
            StoreSamples.incident("inc_old", state: .resolved, openedAt: Self.now.addingTimeInterval(-7_200)),
            StoreSamples.incident("inc_new"), StoreSamples.incident("inc_other", asset: "billing-db"),
        ]
        change.events = [IncidentEvent(incidentID: "inc_new", at: Self.now, kind: .opened, text: "corrupted_artifact in run_1")]
        change.reports = [IncidentReportSnapshot(incidentID: "inc_new", runID: "run_1", createdAt: Self.now, markdown: "# r", json: "{}")]
        try await ledger.commit(change, triagedRunID: "run_1")

        #expect(try await ledger.isTriaged(runID: "run_1"))
        #expect(try await !ledger.isTriaged(runID: "run_2"))
        #expect(try await ledger.latestIncident(dedupKey: "backstop/orders-db/corrupted_artifact")?.id == "inc_new")
        #expect(try await ledger.openIncidents(asset: "orders-db").map(\.id) == ["inc_new"])
        #expect(try await ledger.incident(id: "inc_old") == change.incidents[0])
        #expect(try await ledger.incidents(limit: 10, openOnly: false).map(\.id) == ["inc_other", "inc_new", "inc_old"])
        #expect(try await ledger.incidents(limit: 1, openOnly: true).map(\.id) == ["inc_other"])
        #expect(try await ledger.events(incidentID: "inc_new") == change.events)
        #expect(try await ledger.latestReport(incidentID: "inc_new") == change.reports[0])
        #expect(try await ledger.latestReport(incidentID: "inc_old") == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func anUpdateKeepsWhatIdentifiesTheIncident(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        var first = LedgerChange()
        first.incidents = [StoreSamples.incident("inc_1")]
        try await ledger.commit(first, triagedRunID: nil)
        var resolved = StoreSamples.incident("inc_1", state: .resolved)
        resolved.title = "a title the ledger never changes"
        resolved.resolvedAt = Self.now.addingTimeInterval(60)
        resolved.occurrences = 3
        var second = LedgerChange()
        second.incidents = [resolved]
        try await ledger.commit(second, triagedRunID: nil)

        let stored = try #require(try await ledger.incident(id: "inc_1"))
        #expect(stored.state == .resolved && stored.occurrences == 3 && stored.resolvedAt == resolved.resolvedAt)
        #expect(stored.title == "Backup of orders-db failed")
        #expect(try await ledger.openIncidents(asset: "orders-db").isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyRecordedRunsThatAreNeitherAbortedNorRetriesWaitForTriage(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let failed = [StoreSamples.outcome("orders-db", healthy: false)]
        try await stores.record.append(StoreSamples.run("run_1", outcomes: failed))
        try await stores.record.append(StoreSamples.run("run_2", status: .aborted, outcomes: failed))
        try await stores.record.append(StoreSamples.run("run_3", trigger: .retry("orders-db"), outcomes: failed))
        try await stores.record.append(StoreSamples.run("run_4", outcomes: failed))
        #expect(try await stores.ledger.untriagedRunIDs() == ["run_1", "run_4"])
        try await stores.ledger.commit(LedgerChange(), triagedRunID: "run_1")
        #expect(try await stores.ledger.untriagedRunIDs() == ["run_4"])
    }

    @Test(arguments: StoreBackend.allCases)
    func openingsAndReopeningsSinceADateAreCountedPerAssetAndCause(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        var change = LedgerChange()
        change.incidents = [StoreSamples.incident("inc_1"), StoreSamples.incident("inc_2", asset: "billing-db")]
        change.events = [
            IncidentEvent(incidentID: "inc_1", at: Self.now.addingTimeInterval(-86_400 * 20), kind: .opened, text: "long ago"),
            IncidentEvent(incidentID: "inc_1", at: Self.now.addingTimeInterval(-60), kind: .reopened, text: "again"),
            IncidentEvent(incidentID: "inc_1", at: Self.now, kind: .updated, text: "not an opening"),
            IncidentEvent(incidentID: "inc_2", at: Self.now, kind: .opened, text: "another asset"),
        ]
        try await ledger.commit(change, triagedRunID: nil)
        let since = Self.now.addingTimeInterval(-86_400 * 14)
        #expect(try await ledger.incidentOpenings(asset: "orders-db", cause: .corruptedArtifact, since: since) == ["inc_1"])
        #expect(try await ledger.incidentOpenings(asset: "orders-db", cause: .diskFull, since: since).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyRetriesThatRanCountAgainstTheirWindowsBudget(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        let window = StoreSamples.window().start
        for (attempt, result) in [RecoveryAttempt.Result.failed, .recovered, .dryRun, .budgetExhausted].enumerated() {
            try await ledger.append(
                RecoveryAttempt(
                    runID: "run_1", asset: "orders-db", schedule: "nightly", cause: .networkTimeout, attempt: attempt + 1,
                    startedAt: Self.now,
                    finishedAt: Self.now, result: result, detail: "attempt \(attempt + 1)", windowStart: window))
        }
        #expect(try await ledger.recoveryAttempts(schedule: "nightly", windowStart: window) == 2)
        #expect(try await ledger.recoveryAttempts(schedule: "nightly", windowStart: nil) == 0)
        #expect(try await ledger.recoveryAttempts(runID: "run_1").map(\.attempt) == [1, 2, 3, 4])
    }

    @Test(arguments: StoreBackend.allCases)
    func aFiringStaysFiringUntilItsResolutionIsHandled(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let ledger = stores.ledger
        let firing = AlertTransition.Key(fingerprint: "fp", startsAtMilliseconds: 1_795_348_800_123, status: .firing)
        let resolution = AlertTransition.Key(fingerprint: "fp", startsAtMilliseconds: 1_795_348_800_123, status: .resolved)
        var change = LedgerChange()
        change.alertTransitions = [
            AlertTransition(key: firing, action: .opened, notificationID: "ntf_1", alertName: "A", asset: "orders-db", incidentID: "inc_1")
        ]
        try await ledger.commit(change, triagedRunID: "ntf_1")
        let handled = try await ledger.handledAlertTransitions([firing, resolution])
        #expect(handled.count == 1 && handled[firing]?.incidentID == "inc_1" && handled[firing]?.action == .opened)
        #expect(try await ledger.firingAlerts(incidentID: "inc_1") == [firing])

        change.alertTransitions = [
            AlertTransition(
                key: resolution, action: .resolved, notificationID: "ntf_2", alertName: "A", asset: "orders-db", incidentID: "inc_1")
        ]
        try await ledger.commit(change, triagedRunID: "ntf_2")
        #expect(try await ledger.firingAlerts(incidentID: "inc_1").isEmpty)
        #expect(try await ledger.handledAlertTransitions([resolution])[resolution]?.notificationID == "ntf_2")
    }

    /// A triage batch asks for all its alerts at once: each key gets its own transition, and
    /// keys never acted on, or asked twice, change nothing.
    @Test(arguments: StoreBackend.allCases)
    func manyKeysAreLookedUpTogether(_ backend: StoreBackend) async throws {
        let stores = try await backend.make()
        defer { extendLifetime(stores) }
        let keys = (0..<40).map { index in
            AlertTransition.Key(
                fingerprint: "fp-\(index % 20)", startsAtMilliseconds: 1_795_348_800_000 + Int64(index % 3),
                status: index < 20 ? .firing : .resolved)
        }
        var change = LedgerChange()
        change.alertTransitions = keys.enumerated().filter { $0.offset % 2 == 0 }.map { index, key in
            AlertTransition(
                key: key, action: .joined, notificationID: "ntf_\(index)", alertName: "A\(index)", asset: "asset-\(index)",
                incidentID: "inc_\(index)")
        }
        try await stores.ledger.commit(change, triagedRunID: nil)

        let handled = try await stores.ledger.handledAlertTransitions(keys + keys.prefix(5))
        #expect(handled.count == 20)
        for (index, key) in keys.enumerated() {
            #expect(handled[key]?.notificationID == (index % 2 == 0 ? "ntf_\(index)" : nil))
            #expect(handled[key]?.asset == (index % 2 == 0 ? "asset-\(index)" : nil))
        }
    }
}
