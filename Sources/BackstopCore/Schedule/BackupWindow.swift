import Foundation

/// One occurrence of a schedule: backups are expected from `start`, should be done by `end`,
/// and are checked once `closesAt` (end + grace) has passed.
package struct BackupWindow: Sendable, Equatable, Hashable, Codable {
    package var schedule: String
    package var start: Date
    package var end: Date
    package var closesAt: Date

    package init(schedule: String, start: Date, end: Date, closesAt: Date) {
        self.schedule = schedule
        self.start = start
        self.end = end
        self.closesAt = closesAt
    }
}

extension Schedule {
    /// The window that opens at `fire`.
    package func window(openingAt fire: Date) -> BackupWindow {
        let end = fire.addingTimeInterval(window.seconds)
        return BackupWindow(schedule: name, start: fire, end: end, closesAt: end.addingTimeInterval(grace.seconds))
    }

    /// The most recent window whose grace period has ended at `now`, or nil if there has been none.
    package func lastClosedWindow(at now: Date) -> BackupWindow? {
        let latestFire = now.addingTimeInterval(-(window + grace).seconds)
        return cron.previousFire(atOrBefore: latestFire, in: timeZone).map(window(openingAt:))
    }

    /// Whether a backup produced at `date` arrived after the end plus grace of the window it
    /// belongs to (the one that opened most recently before it).
    package func isLate(producedAt date: Date) -> Bool {
        guard let fire = cron.previousFire(atOrBefore: date, in: timeZone) else { return false }
        return date > window(openingAt: fire).closesAt
    }

    /// The next window to close after `now`.
    package func nextClosingWindow(after now: Date) -> BackupWindow? {
        let earliestFire = now.addingTimeInterval(-(window + grace).seconds)
        return cron.nextFire(after: earliestFire, in: timeZone).map(window(openingAt:))
    }
}
