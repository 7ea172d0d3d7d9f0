import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// The failure counter by cause exists from the first scrape (so `increase()` and alerts see the
/// first failure of a cause), without zeroing every asset × cause or every asset.
@Suite struct FailureCounterTests {
    @Test func everyKnownCauseStartsAtZeroAndNoAssetIsZeroed() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: MetricsTests.assets))
        defer { withExtendedLifetime(harness) {} }
        let text = MetricsTests.recordMetrics(services)
        for cause in FailureCause.allCases {
            #expect(text.contains(#"backstop_cause_failures_total{cause="\#(cause.rawValue)"} 0"#), "\(cause)")
        }
        #expect(!text.contains("backstop_backup_failures_total{"), "asset × cause series are not pre-created")
        // A zeroed counter per asset would be a sixth of the exposition at 10,000 assets (issue 17).
        #expect(!text.contains("backstop_asset_failures_total"), "no counter per asset and any cause")
    }

    @Test func theCauseTotalsAreSumsOfTheAssetCauseCounter() async throws {
        let (harness, _, services) = try await MetricsTests().populated()
        defer { withExtendedLifetime(harness) {} }
        let samples = MetricsTests.recordMetrics(services).split(separator: "\n").filter { !$0.hasPrefix("#") }
        func value(_ line: Substring) -> Int { Int(line.split(separator: " ").last ?? "") ?? -1 }
        let byAssetCause = samples.filter { $0.hasPrefix("backstop_backup_failures_total{") }
        let byCause = samples.filter { $0.hasPrefix("backstop_cause_failures_total{") }
        #expect(byAssetCause.map(value).reduce(0, +) > 0, "the populated record has failures")
        #expect(byCause.map(value).reduce(0, +) == byAssetCause.map(value).reduce(0, +))
        for line in byCause {
            let cause = line.split(separator: "\"")[1]
            let expected = byAssetCause.filter { $0.contains(#"cause="\#(cause)""#) }.map(value).reduce(0, +)
            #expect(value(line) == expected, "\(line)")
        }
    }
}
