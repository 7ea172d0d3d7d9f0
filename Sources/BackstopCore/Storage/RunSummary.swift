import Foundation

/// A run without its details, for listings.
package struct RunSummary: Sendable, Equatable, Codable {
    package var id: String
    package var trigger: RunTrigger
    package var startedAt: Date
    package var finishedAt: Date
    package var status: VerificationRun.Status
    package var assets: Int
    package var failed: Int
    package var restoreTests: Int

    package init(_ run: VerificationRun) {
        id = run.id
        trigger = run.trigger
        startedAt = run.startedAt
        finishedAt = run.finishedAt
        status = run.status
        assets = run.outcomes.count
        failed = run.failedOutcomes.count
        restoreTests = run.restoreTests.count
    }

    package init(
        id: String, trigger: RunTrigger, startedAt: Date, finishedAt: Date, status: VerificationRun.Status,
        assets: Int, failed: Int, restoreTests: Int
    ) {
        self.id = id
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.assets = assets
        self.failed = failed
        self.restoreTests = restoreTests
    }
}
