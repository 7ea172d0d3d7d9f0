import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// A cause that keeps coming back is called out in each new incident's report.
@Suite(.timeLimit(.minutes(3))) struct RecurrenceTests {
    @Test func theThirdIncidentOfTheSameAssetAndCauseSaysSo() async throws {
        let harness = try Harness()
        _ = try IncidentFixtures.writeLog(harness, asset: "orders")
        let services = try await harness.services(
            try harness.configuration(assets: IncidentFixtures.asset("orders"), extra: "incidents: { reopen_within: 1m }"))
        var reports: [(id: String, markdown: String)] = []
        for _ in 1...3 {
            try await IncidentFixtures.writeTruncated(harness, asset: "orders")
            try await services.verifyTriageAndDeliver()
            let incident = try #require(try await services.store.incidents(limit: 1, openOnly: true).first)
            reports.append((incident.id, try #require(try await services.store.latestReport(incidentID: incident.id)).markdown))
            try await IncidentFixtures.writeHealthy(harness, asset: "orders")
            try await services.verifyTriageAndDeliver()
            // Past reopen_within: the next failure opens a new incident rather than reopening.
            harness.clock.advance(by: 120)
        }
        #expect(Set(reports.map(\.id)).count == 3)
        #expect(!reports[0].markdown.contains("Recurring"))
        #expect(reports[1].markdown.contains("second time in 14 days"))
        #expect(reports[2].markdown.contains("**Recurring:** orders has failed with corrupted_artifact for the third time in 14 days"))
        #expect(reports[2].markdown.contains("earlier: \(reports[0].id), \(reports[1].id)"))
    }
}
