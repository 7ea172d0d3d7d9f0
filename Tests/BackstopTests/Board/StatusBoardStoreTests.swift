import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The board's queries on a real SQLite record.
@Suite struct StatusBoardStoreTests {
    @Test func oneCellPerWindowWithLastHealthyAndFailingSince() async throws {
        let harness = try Harness()
        try await IncidentFixtures.writeHealthy(harness, asset: "orders-db")
        let configuration = try harness.configuration(assets: IncidentFixtures.asset("orders-db"))
        let services = try await harness.services(configuration)
        let window = configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now)
        let healthyAt = harness.clock.now
        _ = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), window: window))
        // The same window verified again an hour later, now corrupted: still one cell, failed.
        harness.clock.advance(by: 3_600)
        try await IncidentFixtures.writeTruncated(harness, asset: "orders-db")
        let failed = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), window: window))
        harness.clock.advance(by: 3_600)
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))

        let detail = try #require(try await services.store.boardDetails(assets: ["orders-db"], windows: 30)["orders-db"])
        #expect(detail.windows.count == 1, "one cell per window: \(detail.windows)")
        #expect(detail.windows.first?.state == .failed && detail.windows.first?.cause == .corruptedArtifact)
        #expect(detail.lastHealthyAt == healthyAt)
        #expect(detail.failingSince == failed.outcomes.first?.verifiedAt, "the first failure after the last healthy one")
        #expect(detail.lastRestoreSeconds != nil)
        let state = try #require(try await services.store.latestStates()["orders-db"])
        #expect(state.state == .failed && state.cause == .corruptedArtifact)

        let failures = try await services.store.failuresPerDay(
            from: healthyAt.addingTimeInterval(-86_400), to: harness.clock.now.addingTimeInterval(1))
        #expect(failures.map(\.count).reduce(0, +) == 2 && failures.allSatisfy { $0.cause == "corrupted_artifact" })
        let restores = try await services.store.restoreHistory(asset: "orders-db", limit: 10)
        #expect(restores.count == 3 && restores.first?.passed == true && restores.last?.passed == false, "oldest first")
    }
}
