import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Verifies each schedule's window when it closes (window end plus grace). At start, a window
/// that closed while Backstop was down, or whose run shutdown aborted, is verified at once: an
/// aborted run does not count as having verified its window.
package struct SchedulerService: Service {
    package let services: BackstopServices

    package init(services: BackstopServices) {
        self.services = services
    }

    package func run() async throws {
        // Shutdown cancels the loops; a run in flight is then recorded as aborted.
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for schedule in services.configuration.schedules.values.sorted(by: { $0.name < $1.name }) {
                    group.addTask { await loop(schedule) }
                }
            }
        }
    }

    private func loop(_ schedule: Schedule) async {
        var logger = services.logger
        logger[metadataKey: "schedule"] = "\(schedule.name)"
        if let missed = schedule.lastClosedWindow(at: services.clock.now),
            services.metrics.snapshot.windows[schedule.name]?.windowStart != missed.start
        {
            logger.info(
                "verifying the last closed window, which was not verified yet",
                metadata: ["window_start": "\(RFC3339.format(missed.start))"])
            await verify(schedule, window: missed, logger: logger)
        }
        var from = services.clock.now
        while !Task.isCancelled, let window = schedule.nextClosingWindow(after: from) {
            logger.debug("next window closes", metadata: ["closes_at": "\(RFC3339.format(window.closesAt))"])
            do {
                try await services.clock.sleep(until: window.closesAt)
            } catch {
                return
            }
            await verify(schedule, window: window, logger: logger)
            from = window.closesAt
        }
    }

    private func verify(_ schedule: Schedule, window: BackupWindow, logger: Logger) async {
        do {
            _ = try await services.runner.run(VerificationRequest(trigger: .schedule(schedule.name), window: window))
        } catch {
            logger.error("could not record the window's verification", metadata: ["error": "\(error)"])
        }
    }
}
