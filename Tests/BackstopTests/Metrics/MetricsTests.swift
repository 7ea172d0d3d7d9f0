import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

@Suite struct MetricsTests {
    static let assets = """
          - { name: orders-db, schedule: nightly, backup: { path: backups/orders/*.gz, checksum: sidecar, size: { min: 10B } }, restore: { command: ["gzip", "-t", "{artifact}"] } }
          - { name: billing-db, schedule: nightly, backup: { path: backups/billing/*.gz, checksum: sidecar }, restore: { command: ["gzip", "-t", "{artifact}"] } }
          - { name: media, kind: volume, schedule: nightly, backup: { path: backups/media/*.gz, checksum: none }, restore: { command: ["gzip", "-t", "{artifact}"] } }
          - { name: search, kind: object_store, schedule: nightly, backup: { path: backups/search/*.gz } }
        """

    /// One healthy asset, one checksum mismatch, one truncated archive, one never ran; three
    /// runs (two on demand, one scheduled).
    func populated() async throws -> (Harness, Configuration, BackstopServices) {
        let harness = try Harness()
        let fixtures = harness.fixtures
        try fixtures.setModified(try await fixtures.gzip("backups/orders/orders.sql.gz", rows: 300), to: Harness.backupTime)
        let billing = try await fixtures.gzip("backups/billing/billing.sql.gz", rows: 200)
        try fixtures.corrupt(billing)
        try fixtures.setModified(billing, to: Harness.backupTime)
        let media = try await fixtures.gzip("backups/media/media.sql.gz", rows: 5_000, sidecar: false)
        try await fixtures.truncate(media, to: 4_000)
        try fixtures.setModified(media, to: Harness.backupTime)
        let configuration = try harness.configuration(assets: Self.assets)
        let services = try await harness.services(configuration)
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        harness.clock.advance(by: 3_600)
        _ = try await services.runner.run(VerificationRequest(trigger: .manual))
        let window = configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now)
        _ = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), window: window))
        return (harness, configuration, services)
    }

    /// The exposition without `process_*` (those describe the process, not the record).
    static func recordMetrics(_ services: BackstopServices) -> String {
        String(decoding: services.metrics.exposition(), as: UTF8.self)
            .split(separator: "\n").filter { !$0.contains("process_") }.joined(separator: "\n") + "\n"
    }

    @Test func metricsAreIdenticalAfterARestart() async throws {
        let (harness, configuration, services) = try await populated()
        let before = Self.recordMetrics(services)
        let restarted = try await harness.services(configuration)
        #expect(Self.recordMetrics(restarted) == before)
        #expect(before.contains(#"backstop_check_failures_total{asset="billing-db",check="checksum"} 3"#))
    }

    @Test func theStoresAggregatesAgreeWithReplayingEveryRun() async throws {
        let (harness, _, services) = try await populated()
        defer { withExtendedLifetime(harness) {} }
        var replayed = MetricsSnapshot()
        for summary in try await services.store.recentRuns(limit: 100).reversed() {
            replayed.apply(try #require(try await services.store.run(id: summary.id)))
        }
        #expect(try await services.store.metricsSnapshot() == replayed)
        #expect(services.metrics.snapshot == replayed)
    }

    @Test func promtoolAcceptsTheExposition() async throws {
        let (harness, _, services) = try await populated()
        defer { withExtendedLifetime(harness) {} }
        let exposition = String(decoding: services.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains("process_resident_memory_bytes"))
        let lint = try await Shell.run(["promtool", "check", "metrics"], input: exposition)
        #expect(lint.isEmpty, "promtool: \(lint)")
    }

    /// Golden exposition. Restore timings are masked; everything else is deterministic (manual
    /// clock, `gzip -n` artifacts). Re-record with BACKSTOP_RECORD_GOLDEN=1.
    @Test func expositionMatchesTheGoldenFile() async throws {
        let (harness, _, services) = try await populated()
        defer { withExtendedLifetime(harness) {} }
        let masked =
            Self.recordMetrics(services).split(separator: "\n").map { line -> String in
                guard !line.hasPrefix("#"),
                    line.hasPrefix("backstop_restore_duration_seconds") || line.hasPrefix("backstop_restore_last_duration")
                else { return String(line) }
                let keep = line.contains("_count") || line.contains(#"le="+Inf""#)
                return keep ? String(line) : line.split(separator: " ")[0] + " <duration>"
            }.joined(separator: "\n") + "\n"
        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Golden/metrics.prom").path
        if ProcessInfo.processInfo.environment["BACKSTOP_RECORD_GOLDEN"] == "1" {
            try masked.write(toFile: golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: golden, encoding: .utf8)
        #expect(masked == expected)
    }

    /// The counters alerts and dashboards take `increase()` of exist at 0 before the first
    /// verification, without one series per asset and check (docs/METRICS.md).
    @Test func countersStartAtZeroWithoutASeriesPerAssetAndCheck() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: Self.assets))
        let text = Self.recordMetrics(services)
        for check in CheckKind.allCases {
            #expect(text.contains(#"backstop_checks_total{check="\#(check.rawValue)"} 0"#))
        }
        for asset in ["orders-db", "billing-db", "media", "search"] {
            #expect(text.contains(#"backstop_checksum_failures_total{asset="\#(asset)"} 0"#))
        }
        for asset in ["orders-db", "billing-db", "media"] {
            #expect(text.contains(#"backstop_restore_test_failures_total{asset="\#(asset)"} 0"#))
        }
        #expect(!text.contains(#"backstop_restore_test_failures_total{asset="search"}"#), "search has no restore test")
        #expect(!text.contains("backstop_check_failures_total{"), "asset × check series appear at a first failure")
        #expect(!text.contains("backstop_backup_up{"), "no verdict before the first verification")
    }
}
