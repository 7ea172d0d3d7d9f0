import Foundation

/// When backups of the assets on this schedule are expected: a cron expression in a time zone
/// opens a window of `window` length; the window is checked once `window + grace` has passed.
package struct Schedule: Sendable, Equatable {
    package var name: String
    package var cron: CronExpression
    package var timeZone: TimeZone
    package var window: Duration
    package var grace: Duration

    package init(name: String, cron: CronExpression, timeZone: TimeZone, window: Duration, grace: Duration) {
        self.name = name
        self.cron = cron
        self.timeZone = timeZone
        self.window = window
        self.grace = grace
    }
}
