import Foundation

/// Everything an on-call engineer needs about a run's failed backups, composed once and
/// rendered as Markdown (for people and trackers) and JSON (for tools).
package struct IncidentReport: Sendable, Equatable, Codable {
    package struct Failure: Sendable, Equatable, Codable {
        package var asset: String
        package var kind: AssetKind
        package var service: String
        package var adjacent: [String]
        package var schedule: String
        package var window: BackupWindow?
        package var state: BackupState
        package var artifact: String?
        package var cause: FailureCause
        package var confidence: Double
        package var evidence: [String]
        package var failedChecks: [CheckResult]
        package var runbook: String?
        package var logs: CorrelatedLogs?
        /// Set when the same asset failed with the same cause in other incidents lately.
        package var recurrence: Recurrence? = nil
    }

    /// The same asset failing with the same cause again: a pattern, not bad luck.
    package struct Recurrence: Sendable, Equatable, Codable {
        /// Incidents opened (or reopened) for this asset and cause in the period, this one included.
        package var count: Int
        package var days: Int
        /// The earlier incidents, oldest first.
        package var previous: [String]

        package init(count: Int, days: Int, previous: [String]) {
            self.count = count
            self.days = days
            self.previous = previous
        }

        /// "third time in 14 days".
        package var phrase: String { "\(Self.ordinal(count)) time in \(days) days" }

        static func ordinal(_ number: Int) -> String {
            let words = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
            return number < words.count ? words[number] : "\(number)th"
        }
    }

    package struct TimelineEntry: Sendable, Equatable, Codable {
        package var at: Date
        package var asset: String?
        package var kind: String
        package var text: String
    }

    package var title: String
    package var runID: String
    package var trigger: RunTrigger
    package var runStartedAt: Date
    package var runFinishedAt: Date
    package var generatedAt: Date
    package var assetsChecked: Int
    package var failures: [Failure]
    package var timeline: [TimelineEntry]
    /// What Backstop did on its own (retries, re-verification); said plainly when nothing.
    package var attempted: [String]
    package var logSourceProblems: [String]
}
