import Foundation

/// Everything one triage decides, written in one transaction: the ledger's new state, the
/// timeline entries, the reports and the outbound messages. Either all of it survives a
/// crash or none of it does (and the run is triaged again).
package struct LedgerChange: Sendable, Equatable {
    package var incidents: [Incident] = []
    package var events: [IncidentEvent] = []
    package var reports: [IncidentReportSnapshot] = []
    package var messages: [OutboxMessage] = []
    package var recoveryAttempts: [RecoveryAttempt] = []
    /// Alert firings and resolutions acted on (so a repeated notification is not acted on twice).
    package var alertTransitions: [AlertTransition] = []

    package init() {}

    package var isEmpty: Bool {
        incidents.isEmpty && events.isEmpty && messages.isEmpty && recoveryAttempts.isEmpty && alertTransitions.isEmpty
    }

    package mutating func merge(_ other: LedgerChange) {
        incidents += other.incidents
        events += other.events
        reports += other.reports
        messages += other.messages
        recoveryAttempts += other.recoveryAttempts
        alertTransitions += other.alertTransitions
    }
}

/// The report an incident was opened or updated with, as rendered then.
package struct IncidentReportSnapshot: Sendable, Equatable {
    package var incidentID: String
    package var runID: String
    package var createdAt: Date
    package var markdown: String
    package var json: String

    package init(incidentID: String, runID: String, createdAt: Date, markdown: String, json: String) {
        self.incidentID = incidentID
        self.runID = runID
        self.createdAt = createdAt
        self.markdown = markdown
        self.json = json
    }
}

/// One automatic retry of a failed backup, appended to the record.
package struct RecoveryAttempt: Sendable, Equatable, Codable {
    package enum Result: String, Sendable, Codable, CaseIterable {
        /// The retry ran and the asset verified healthy afterwards.
        case recovered
        /// The retry ran but the asset still fails.
        case failed
        /// Not run: the window's retry budget is spent.
        case budgetExhausted = "budget_exhausted"
        /// Not run: dry run.
        case dryRun = "dry_run"
    }

    package var runID: String
    package var asset: String
    package var schedule: String
    package var cause: FailureCause
    package var attempt: Int
    package var startedAt: Date
    package var finishedAt: Date
    package var result: Result
    package var detail: String
    /// Start of the window the attempt counts against (the retry budget is per window).
    package var windowStart: Date?

    package init(
        runID: String, asset: String, schedule: String, cause: FailureCause, attempt: Int, startedAt: Date, finishedAt: Date,
        result: Result, detail: String, windowStart: Date?
    ) {
        self.runID = runID
        self.asset = asset
        self.schedule = schedule
        self.cause = cause
        self.attempt = attempt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.result = result
        self.detail = detail
        self.windowStart = windowStart
    }
}
