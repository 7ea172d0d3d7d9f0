import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// `backstop_window_*` are per window, not per run: with replicas a window is verified as several
/// runs (each replica's claimed part). Here the parts are runs of one window over a subset of the
/// assets each, as the replicas' scheduler makes them; the three-replica run is in
/// ``ReplicaKillTrialTests``.
@Suite struct WindowMetricsTests {
    static let assets = """
          - { name: orders-db, schedule: nightly, backup: { path: backups/orders/*.gz, checksum: sidecar } }
          - { name: billing-db, schedule: nightly, backup: { path: backups/billing/*.gz, checksum: sidecar } }
          - { name: media, schedule: nightly, backup: { path: backups/media/*.gz, checksum: sidecar } }
        """

    @Test func aWindowVerifiedInPartsCountsOnceWhenCompleteAndShowsEveryPart() async throws {
        let harness = try Harness()
        for name in ["orders", "billing"] {
            try harness.fixtures.setModified(try await harness.fixtures.gzip("backups/\(name)/\(name).sql.gz"), to: Harness.backupTime)
        }
        // media has no backup in the window: its part records it missing.
        let configuration = try harness.configuration(assets: Self.assets)
        let services = try await harness.services(configuration)
        let window = try #require(configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now))
        func part(_ assets: [String]) async throws {
            harness.clock.advance(by: 60)  // each part finishes later than the one before
            _ = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), assets: assets, window: window))
        }

        try await part(["orders-db"])
        // Incomplete: not counted; with no window before it, the gauges show the part so far.
        var metrics = MetricsTests.recordMetrics(services)
        #expect(metrics.contains(#"backstop_window_expected_backups{schedule="nightly"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"backstop_window_runs_total{result="healthy",schedule="nightly"} 0"#), "\(metrics)")
        #expect(metrics.contains(#"backstop_window_runs_total{result="failed",schedule="nightly"} 0"#))

        try await part(["billing-db"])
        try await part(["media"])
        metrics = MetricsTests.recordMetrics(services)
        // Three runs, one window: counted once, failed (media is missing), every part added up.
        #expect(metrics.contains(#"backstop_window_runs_total{result="failed",schedule="nightly"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"backstop_window_runs_total{result="healthy",schedule="nightly"} 0"#))
        #expect(metrics.contains(#"backstop_window_expected_backups{schedule="nightly"} 3"#))
        #expect(metrics.contains(#"backstop_window_missing_backups{schedule="nightly"} 1"#))
        // When the last part finished.
        #expect(
            metrics.contains(
                #"backstop_window_last_run_timestamp_seconds{schedule="nightly"} \#(Int(harness.clock.now.timeIntervalSince1970))"#))

        // The next window's first part: the complete window stays shown and counted once.
        harness.clock.advance(by: 86_400)
        let next = try #require(configuration.schedules["nightly"]?.lastClosedWindow(at: harness.clock.now))
        #expect(next.start > window.start)
        _ = try await services.runner.run(VerificationRequest(trigger: .schedule("nightly"), assets: ["orders-db"], window: next))
        metrics = MetricsTests.recordMetrics(services)
        #expect(metrics.contains(#"backstop_window_runs_total{result="failed",schedule="nightly"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"backstop_window_runs_total{result="healthy",schedule="nightly"} 0"#))
        #expect(metrics.contains(#"backstop_window_expected_backups{schedule="nightly"} 3"#))

        // A restart shows the same (the aggregate queries fold the runs as the watcher did).
        let restarted = try await harness.services(configuration)
        #expect(MetricsTests.recordMetrics(restarted) == metrics)
    }
}
