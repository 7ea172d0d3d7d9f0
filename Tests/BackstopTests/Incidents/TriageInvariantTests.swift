import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Random mixes of healthy, corrupted and missing backups, some with a retry that repairs them
/// and some with one that cannot, over several runs: after every triage each failed backup is
/// either retried-and-healthy or in exactly one open incident that carries its log excerpt.
@Suite(.timeLimit(.minutes(10))) struct TriageInvariantTests {
    enum Fate: CaseIterable {
        case healthy, corrupted, missing
    }

    @Test(arguments: [UInt64(7), 1_234, 98_765])
    func everyFailureEndsRecoveredOrInExactlyOneOpenIncident(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        let harness = try Harness()
        // repairs: its retry copies a good artifact into place; broken: its retry fails; plain: none.
        let repairing = ["repairs-a", "repairs-b"]
        let assets = repairing + ["broken", "plain"]
        var assetYAML: [String] = []
        for asset in assets {
            _ = try IncidentFixtures.writeLog(harness, asset: asset)
            if repairing.contains(asset) {
                let spare = try await harness.fixtures.archive("spare/\(asset)/\(asset)-2026-11-22.tar.gz")
                try harness.fixtures.setModified(spare, to: Harness.backupTime)
                assetYAML.append(
                    IncidentFixtures.asset(asset, retry: ["cp", "-p", spare, spare + ".sha256", harness.directory.file("backups")]))
            } else if asset == "broken" {
                assetYAML.append(IncidentFixtures.asset(asset, retry: ["false"]))
            } else {
                assetYAML.append(IncidentFixtures.asset(asset))
            }
        }
        let recovery = "recovery: { transient: [corrupted_artifact], max_attempts: 2, backoff: 0s, budget_per_window: 5 }"
        let configuredAssets = assetYAML.joined(separator: "\n")
        let rounds = (1...6).map { _ in assets.map { _ in Fate.allCases[Int(random.next() % 3)] } }
        let pagerDuty = try FakePagerDuty(routingKeys: [IncidentFixtures.routingKey], eventsPerMinute: 10_000)
        try await pagerDuty.run { url in
            let services = try await harness.services(
                try harness.configuration(
                    assets: configuredAssets, extra: IncidentFixtures.pagerDutyConfiguration(url: url, extra: recovery)))
            for (round, fates) in rounds.enumerated() {
                for (asset, fate) in zip(assets, fates) {
                    switch fate {
                    case .healthy: try await IncidentFixtures.writeHealthy(harness, asset: asset)
                    case .corrupted: try await IncidentFixtures.writeTruncated(harness, asset: asset)
                    case .missing:
                        for suffix in ["", ".sha256"] {
                            try? FileManager.default.removeItem(
                                atPath: harness.directory.file("backups/\(asset)-2026-11-22.tar.gz\(suffix)"))
                        }
                    }
                }
                let run = try await services.verifyTriageAndDeliver()
                try await Self.checkInvariant(after: run, services: services, round: round, seed: seed)
            }
            // Every open incident reached PagerDuty, and nothing was triggered twice while open.
            for incident in try await services.store.incidents(limit: 100, openOnly: true) {
                #expect(pagerDuty.alert(incident.dedupKey)?.status == .triggered, "seed \(seed): \(incident.id)")
            }
            #expect(try await services.store.outboxStatus(now: harness.clock.now).pending == 0)
        }
    }

    static func checkInvariant(after run: VerificationRun, services: BackstopServices, round: Int, seed: UInt64) async throws {
        let context = "seed \(seed), round \(round)"
        #expect(try await services.store.isTriaged(runID: run.id), "\(context)")
        let attempts = try await services.store.recoveryAttempts(runID: run.id)
        for outcome in run.outcomes {
            let open = try await services.store.openIncidents(asset: outcome.asset)
            guard outcome.state.isFailure else {
                #expect(open.isEmpty, "\(context): \(outcome.asset) is healthy but has an open incident")
                continue
            }
            let recovered = attempts.contains { $0.asset == outcome.asset && $0.result == .recovered }
            if recovered {
                #expect(open.isEmpty, "\(context): \(outcome.asset) was recovered but has an open incident")
                continue
            }
            let cause = outcome.cause ?? .unknown
            let matching = open.filter { $0.cause == cause }
            #expect(matching.count == 1, "\(context): \(outcome.asset) failed (\(cause.rawValue)) with \(matching.count) open incidents")
            guard let incident = matching.first else { continue }
            let report = try await services.store.latestReport(incidentID: incident.id)
            #expect(report?.markdown.contains("input/output error") == true, "\(context): \(incident.id) lacks its log excerpt")
        }
    }
}
