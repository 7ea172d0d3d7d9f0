import BackstopCore
import Foundation
import Logging
import ServiceLifecycle

/// Writes the weekly digest at each time of `digest.schedule`. At start, a digest that was due
/// while Backstop was down is written first, as the scheduler does with a missed window.
package struct DigestService: Service {
    package let writer: DigestWriter
    package let configuration: DigestConfiguration
    package let clock: any WallClock
    package let logger: Logger

    package init(writer: DigestWriter, configuration: DigestConfiguration, clock: any WallClock, logger: Logger) {
        self.writer = writer
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            if let due = configuration.schedule.previousFire(atOrBefore: clock.now, in: configuration.timeZone),
                !writer.exists(endingAt: due, window: configuration.window)
            {
                await write(endingAt: due)
            }
            while !Task.isCancelled, let next = configuration.schedule.nextFire(after: clock.now, in: configuration.timeZone) {
                do {
                    try await clock.sleep(until: next)
                } catch {
                    return
                }
                await write(endingAt: next)
            }
        }
    }

    private func write(endingAt end: Date) async {
        do {
            let digest = try await writer.write(endingAt: end, window: configuration.window, now: clock.now)
            logger.notice(
                "weekly digest written",
                metadata: [
                    "week": "\(digest.week)", "directory": "\(writer.directory)", "failures": "\(digest.trends.failures)",
                    "recurring": "\(digest.trends.recurring.count)",
                ])
        } catch {
            logger.error(
                "could not write the weekly digest; check digest.directory",
                metadata: ["directory": "\(writer.directory)", "error": "\(error)"])
        }
    }
}
