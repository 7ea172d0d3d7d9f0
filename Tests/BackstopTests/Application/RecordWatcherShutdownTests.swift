import Backstop
import BackstopCore
import BackstopTesting
import Logging
import Testing

/// A clean stop of `serve` is not an error: the watcher's once-a-second read of the record's
/// marks, or the catch-up of runs it starts, cut short by the shutdown, must not log one (an
/// on-call would go looking for a fault). A shutdown reaches them as a cancellation of their
/// task (`cancelWhenGracefulShutdown`), which each test makes directly, so that it does not
/// matter whether it lands before or during the read.
@Suite struct RecordWatcherShutdownTests {
    @Test func aWaitCutShortByAShutdownEndsTheWatchWithoutAnError() async throws {
        let (harness, services, log) = try await Self.services()
        var watcher = services.watcher
        watcher.interval = .seconds(3600)
        let waiting = Task { [watcher] in await watcher.pollAfterInterval(since: watcher.start) }
        waiting.cancel()
        #expect(await waiting.value == nil)
        #expect(log.errors.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }

    @Test func aPollCancelledMidReadLogsNoErrorAndKeepsTheMarks() async throws {
        let (harness, services, log) = try await Self.services()
        let watcher = services.watcher
        let polling = Task { [watcher] in
            withUnsafeCurrentTask { $0?.cancel() }
            return await watcher.poll(since: watcher.start)
        }
        #expect(await polling.value == watcher.start)
        #expect(log.errors.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }

    /// The runs' catch-up that a poll starts when the record grew, cut short the same way.
    @Test func aCatchUpCancelledMidReadLogsNoError() async throws {
        let (harness, services, log) = try await Self.services()
        let follower = RunFollower(
            store: services.store, metrics: services.metrics, queue: WorkQueue(), appliedThrough: 0,
            logger: Logger(label: "follower-test") { _ in CapturingLogHandler(log: log) })
        let catchingUp = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await follower.catchUp()
        }
        #expect(await catchingUp.value == false)
        #expect(log.errors.isEmpty, "\(log.lines)")
        withExtendedLifetime(harness) {}
    }

    /// Services of a small configuration whose log is captured; keep the harness alive.
    private static func services() async throws -> (Harness, BackstopServices, CapturedLog) {
        let harness = try Harness()
        let log = CapturedLog()
        let services = try await harness.services(
            try harness.configuration(assets: MetricsTests.assets),
            logger: Logger(label: "watcher-test") { _ in CapturingLogHandler(log: log) })
        return (harness, services, log)
    }
}

extension CapturedLog {
    /// The lines logged at error level.
    var errors: [String] { lines.filter { $0.hasPrefix("error") } }
}
