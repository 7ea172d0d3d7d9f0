import Foundation

/// One verification run as appended to the record: every expected backup it checked and every
/// restore test it performed.
package struct VerificationRun: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable {
        case healthy
        case failed
        /// Stopped by shutdown before it finished; what was done is kept.
        case aborted
    }

    package var id: String
    package var trigger: RunTrigger
    package var startedAt: Date
    package var finishedAt: Date
    package var status: Status
    package var outcomes: [VerificationOutcome]
    package var restoreTests: [RestoreOutcome]

    package init(
        id: String, trigger: RunTrigger, startedAt: Date, finishedAt: Date, status: Status,
        outcomes: [VerificationOutcome], restoreTests: [RestoreOutcome]
    ) {
        self.id = id
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.outcomes = outcomes
        self.restoreTests = restoreTests
    }

    package var failedOutcomes: [VerificationOutcome] { outcomes.filter { $0.state.isFailure } }
}
