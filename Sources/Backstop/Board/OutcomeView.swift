import BackstopCore
import Foundation

/// A failed check with its evidence, as the run and asset pages show it.
struct CheckView: Sendable {
    var kind: String
    var message: String
    var excerpt: String?

    init(_ check: CheckResult) {
        kind = check.kind.rawValue
        message = check.evidence.message
        // The tail of a tool's output is where its error is.
        excerpt = check.evidence.excerpt.map { String($0.suffix(2_000)) }
    }
}

/// One asset's outcome in a run.
struct OutcomeView: Sendable {
    var asset: String
    var assetHref: String
    var style: StateStyle
    var cause: String
    var window: String
    var verified: TimeView
    var late: Bool
    var failedChecks: [CheckView]

    init(_ outcome: VerificationOutcome, now: Date) {
        asset = outcome.asset
        assetHref = PagePath.asset(outcome.asset)
        style = StateStyle(outcome.state)
        cause = outcome.state.isFailure ? (outcome.cause?.rawValue ?? "unknown") : ""
        window = outcome.window.map { "\(RFC3339.format($0.start)) – \(RFC3339.format($0.end))" } ?? "—"
        verified = TimeView(outcome.verifiedAt, now: now)
        late = outcome.late
        failedChecks = outcome.failedChecks.map(CheckView.init)
    }
}

/// One restore test in a run.
struct RestoreView: Sendable {
    var asset: String
    var assetHref: String
    var status: String
    var passed: Bool
    var duration: String
    var message: String
    var excerpt: String?

    init(_ test: RestoreOutcome) {
        asset = test.asset
        assetHref = PagePath.asset(test.asset)
        status = test.status.rawValue
        passed = test.status == .passed
        duration = TimeView.duration(test.durationSeconds)
        message = test.evidence.message
        excerpt = test.evidence.excerpt.map { String($0.suffix(2_000)) }
    }
}

/// `GET /runs/{id}`.
struct RunPageView: Sendable {
    var id: String
    var jsonHref: String
    var reportHref: String
    var trigger: String
    var status: String
    var started: TimeView
    var finished: TimeView
    var duration: String
    var outcomes: [OutcomeView]
    var restoreTests: [RestoreView]
    var hasRestoreTests: Bool

    init(_ run: VerificationRun, now: Date) {
        id = run.id
        jsonHref = "/api/v1/runs/" + PagePath.encode(run.id)
        reportHref = jsonHref + "/report.md"
        trigger = run.trigger.kind + (run.trigger.detail.map { " " + $0 } ?? "")
        status = run.status.rawValue
        started = TimeView(run.startedAt, now: now)
        finished = TimeView(run.finishedAt, now: now)
        duration = TimeView.duration(run.finishedAt.timeIntervalSince(run.startedAt))
        // Failing first, so the reason for the visit is at the top.
        outcomes = run.outcomes.sorted { (BoardSelection.rank($0.state), $0.asset) < (BoardSelection.rank($1.state), $1.asset) }
            .map { OutcomeView($0, now: now) }
        restoreTests = run.restoreTests.map(RestoreView.init)
        hasRestoreTests = !run.restoreTests.isEmpty
    }
}
