import Foundation

/// A failed backup after diagnosis and any automatic retries, ready for the ledger.
package struct TriagedFailure: Sendable {
    package var asset: String
    package var schedule: String
    package var cause: FailureCause
    package var evidence: [String]
    package var runID: String
    /// When the asset was first seen failing with this cause in the current streak.
    package var failingSince: Date
    package var occurredAt: Date
    /// What Backstop tried on its own, as the report says it.
    package var attempted: [String]
    /// The most relevant correlated log lines (`service: line`), for sinks that show facts
    /// rather than the whole report (PagerDuty's `custom_details`, recurrence comments).
    package var logExcerpt: [String]
    /// The run's report, rendered.
    package var reportMarkdown: String
    package var reportJSON: String

    package init(
        asset: String, schedule: String, cause: FailureCause, evidence: [String], runID: String, failingSince: Date, occurredAt: Date,
        attempted: [String], logExcerpt: [String] = [], reportMarkdown: String, reportJSON: String
    ) {
        self.asset = asset
        self.schedule = schedule
        self.cause = cause
        self.evidence = evidence
        self.runID = runID
        self.failingSince = failingSince
        self.occurredAt = occurredAt
        self.attempted = attempted
        self.logExcerpt = logExcerpt
        self.reportMarkdown = reportMarkdown
        self.reportJSON = reportJSON
    }
}
