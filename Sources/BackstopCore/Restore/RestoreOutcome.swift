import Foundation

/// The result of restoring one artifact into scratch space and validating what came out.
package struct RestoreOutcome: Sendable, Equatable, Codable {
    package enum Status: String, Sendable, Codable {
        case passed
        case failed
        case timedOut = "timed_out"
    }

    package var asset: String
    package var artifactPath: String
    package var startedAt: Date
    /// Wall time of restore plus validation, in seconds.
    package var durationSeconds: Double
    package var status: Status
    package var evidence: Evidence

    package init(
        asset: String, artifactPath: String, startedAt: Date, durationSeconds: Double, status: Status,
        evidence: Evidence
    ) {
        self.asset = asset
        self.artifactPath = artifactPath
        self.startedAt = startedAt
        self.durationSeconds = durationSeconds
        self.status = status
        self.evidence = evidence
    }

    /// The restore check this outcome stands for in the asset's verification.
    package var check: CheckResult {
        CheckResult(.restore, status == .passed ? .passed : .failed, evidence)
    }
}
