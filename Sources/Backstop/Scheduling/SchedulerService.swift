import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Verifies each schedule's window when it closes (window end plus grace). At start, a window
/// that closed while Backstop was down, or whose run shutdown aborted, is verified at once: an
/// aborted run does not count as having verified its window.
///
/// It receives only what it uses: the schedules, the clock, where the last verified window of
/// each schedule is known (the metrics snapshot, rebuilt from the record), and the runner.
package struct SchedulerService: Service {
    let schedules: [Schedule]
    let clock: any WallClock
    let lastVerifiedWindowStart: @Sendable (_ schedule: String) -> Date?
    let runner: FileVerificationRunner
    let logger: Logger
    /// Set when replicas share the store: each (asset, window) is then claimed by one of them.
    package var shared: SharedWindows?

    package init(
        schedules: [Schedule], clock: any WallClock, lastVerifiedWindowStart: @escaping @Sendable (_ schedule: String) -> Date?,
        runner: FileVerificationRunner, logger: Logger
    ) {
        self.schedules = schedules.sorted { $0.name < $1.name }
        self.clock = clock
        self.lastVerifiedWindowStart = lastVerifiedWindowStart
        self.runner = runner
        self.logger = logger
    }

    package func run() async throws {
        // Shutdown cancels the loops; a run in flight is then recorded as aborted.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for schedule in schedules {
                    group.addTask { await loop(schedule) }
                }
            }
        }
        // Schedules whose cron never opens a window (`0 0 31 2 *`) end their loops at once; the
        // service still runs until shutdown, as a service group takes an early end for a failure.
        try? await gracefulShutdown()
    }

    private func loop(_ schedule: Schedule) async {
        var logger = logger
        logger[metadataKey: "schedule"] = "\(schedule.name)"
        if let shared, let last = schedule.lastClosedWindow(at: clock.now) {
            // Whatever of the last window no replica verified yet (all of it after a restart of all).
            await verifyShared(schedule, window: last, shared: shared, logger: logger)
        } else if let missed = schedule.lastClosedWindow(at: clock.now),
            lastVerifiedWindowStart(schedule.name) != missed.start
        {
            logger.info(
                "verifying the last closed window, which was not verified yet",
                metadata: ["window_start": "\(RFC3339.format(missed.start))"])
            await verify(schedule, window: missed, logger: logger)
        }
        var from = clock.now
        while !Task.isCancelled, let window = schedule.nextClosingWindow(after: from) {
            logger.debug("next window closes", metadata: ["closes_at": "\(RFC3339.format(window.closesAt))"])
            do {
                try await clock.sleep(until: window.closesAt)
            } catch {
                return
            }
            await verify(schedule, window: window, logger: logger)
            from = window.closesAt
        }
    }

    private func verify(_ schedule: Schedule, window: BackupWindow, logger: Logger) async {
        // A window of many assets allocates much and frees all of it once recorded.
        defer { FreedMemory.returnToSystem() }
        if let shared {
            await verifyShared(schedule, window: window, shared: shared, logger: logger)
            return
        }
        do {
            _ = try await runner.run(VerificationRequest(trigger: .schedule(schedule.name), window: window))
        } catch {
            logger.error("could not record the window's verification", metadata: ["error": "\(error)"])
        }
    }
}
