import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The failure counters exist from the first scrape (so `increase()` and alerts see the first
/// failure), without zeroing every asset × cause.
@Suite struct FailureCounterTests {
    @Test func everyConfiguredAssetAndEveryKnownCauseStartsAtZero() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: MetricsTests.assets))
        defer { withExtendedLifetime(harness) {} }
        let text = MetricsTests.recordMetrics(services)
        for asset in ["orders-db", "billing-db", "media", "search"] {
            #expect(text.contains(#"backstop_asset_failures_total{asset="\#(asset)"} 0"#), "\(asset)")
        }
        for cause in FailureCause.allCases {
            #expect(text.contains(#"backstop_cause_failures_total{cause="\#(cause.rawValue)"} 0"#), "\(cause)")
        }
        #expect(!text.contains("backstop_backup_failures_total{"), "asset × cause series are not pre-created")
    }

    @Test func theTotalsAreSumsOfTheAssetCauseCounter() async throws {
        let (harness, _, services) = try await MetricsTests().populated()
        defer { withExtendedLifetime(harness) {} }
        let samples = MetricsTests.recordMetrics(services).split(separator: "\n").filter { !$0.hasPrefix("#") }
        func value(_ line: Substring) -> Int { Int(line.split(separator: " ").last ?? "") ?? -1 }
        let byAssetCause = samples.filter { $0.hasPrefix("backstop_backup_failures_total{") }
        let byAsset = samples.filter { $0.hasPrefix("backstop_asset_failures_total{") }
        let byCause = samples.filter { $0.hasPrefix("backstop_cause_failures_total{") }
        #expect(byAssetCause.map(value).reduce(0, +) > 0, "the populated record has failures")
        #expect(byAsset.map(value).reduce(0, +) == byAssetCause.map(value).reduce(0, +))
        #expect(byCause.map(value).reduce(0, +) == byAssetCause.map(value).reduce(0, +))
        for line in byAsset {
            let asset = line.split(separator: "\"")[1]
            let expected = byAssetCause.filter { $0.contains(#"asset="\#(asset)""#) }.map(value).reduce(0, +)
            #expect(value(line) == expected, "\(line)")
        }
    }
}
