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
