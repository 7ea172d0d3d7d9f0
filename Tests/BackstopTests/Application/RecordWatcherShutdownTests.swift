import Backstop
import BackstopCore
import BackstopTesting
import Logging
import ServiceLifecycle
import ServiceLifecycleTestKit
import Testing

/// A clean stop of `serve` is not an error: the watcher's once-a-second read of the record's
/// marks, or the catch-up of runs it starts, cut short by the shutdown, must not log one (an
/// on-call would go looking for a fault).
@Suite struct RecordWatcherShutdownTests {
    @Test func aGracefulShutdownLogsNoError() async throws {
        let harness = try Harness()
        let log = CapturedLog()
        let services = try await harness.services(
            try harness.configuration(assets: MetricsTests.assets),
            logger: Logger(label: "watcher-test") { _ in CapturingLogHandler(log: log) })
        var watcher = services.watcher
        // Long enough that the shutdown always arrives during the sleep between two polls.
        watcher.interval = .seconds(3600)
        try await testGracefulShutdown { trigger in
            let running = Task { [watcher] in try await watcher.run() }
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        #expect(log.lines.filter { $0.hasPrefix("error") }.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }

    @Test func aPollCancelledMidReadLogsNoErrorAndKeepsTheMarks() async throws {
        let harness = try Harness()
        let log = CapturedLog()
        let services = try await harness.services(
            try harness.configuration(assets: MetricsTests.assets),
            logger: Logger(label: "watcher-test") { _ in CapturingLogHandler(log: log) })
        let watcher = services.watcher
        let polling = Task { [watcher] in
            withUnsafeCurrentTask { $0?.cancel() }
            return await watcher.poll(since: watcher.start)
        }
        #expect(await polling.value == watcher.start)
        #expect(log.lines.filter { $0.hasPrefix("error") }.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }

    /// The runs' catch-up that a poll starts when the record grew, cut short the same way.
    @Test func aCatchUpCancelledMidReadLogsNoError() async throws {
        let harness = try Harness()
        let services = try await harness.services(try harness.configuration(assets: MetricsTests.assets))
        let log = CapturedLog()
        let follower = RunFollower(
            store: services.store, metrics: services.metrics, queue: WorkQueue(), appliedThrough: 0,
            logger: Logger(label: "follower-test") { _ in CapturingLogHandler(log: log) })
        let catchingUp = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await follower.catchUp()
        }
        #expect(await catchingUp.value == false)
        #expect(log.lines.filter { $0.hasPrefix("error") }.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }
}
