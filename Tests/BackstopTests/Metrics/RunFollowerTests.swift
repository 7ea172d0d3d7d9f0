import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Logging
import Testing

/// The run follower brings each run into the metrics once, even when catch-ups overlap (the
/// record watcher's and one for a run just recorded, as on every replica): the actor is
/// re-entered at each store read, and a run applied twice counted its checks twice.
@Suite struct RunFollowerTests {
    @Test func overlappingCatchUpsApplyEachRunOnce() async throws {
        let (harness, configuration, services) = try await MetricsTests().populated()
        defer { withExtendedLifetime(harness) {} }
        let metrics = BackstopMetrics(
            version: "test", revision: "test", assets: configuration.assets, schedules: configuration.schedules.keys.sorted(),
            incidentSink: nil)
        let follower = RunFollower(
            store: services.store, metrics: metrics, queue: WorkQueue<VerificationRun>(), appliedThrough: 0,
            logger: Logger(label: "run-follower-test"))
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 { group.addTask { await follower.catchUp() } }
        }
        #expect(metrics.snapshot == (try await services.store.metricsSnapshot()))
    }
}
