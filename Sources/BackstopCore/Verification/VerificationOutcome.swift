import Foundation

/// Everything learned about one expected backup: the artifact found, each check, and the verdict.
package struct VerificationOutcome: Sendable, Equatable, Codable {
    package var asset: String
    package var schedule: String
    package var window: BackupWindow?
    package var artifact: Artifact?
    package var checks: [CheckResult]
    /// When the backup was produced: the tool's `finished_at`, else the artifact's mtime.
    package var producedAt: Date?
    /// Produced after the window's end plus grace: still counts, but is flagged.
    package var late: Bool
    package var bytesHashed: Int64
    package var verifiedAt: Date
    /// Why the backup failed; nil for healthy backups.
    package var diagnosis: Diagnosis?
    /// What the backup tool reported (status file or completion event), if anything.
    package var toolReport: ToolReport?

    /// The diagnosed cause when the backup failed.
    package var cause: FailureCause? { diagnosis?.cause }

    package init(
        asset: String, schedule: String, window: BackupWindow?, artifact: Artifact?, checks: [CheckResult],
        producedAt: Date?, late: Bool, bytesHashed: Int64, verifiedAt: Date
    ) {
        self.asset = asset
        self.schedule = schedule
        self.window = window
        self.artifact = artifact
        self.checks = checks
        self.producedAt = producedAt
        self.late = late
        self.bytesHashed = bytesHashed
        self.verifiedAt = verifiedAt
        self.diagnosis = nil
        self.toolReport = nil
    }

    /// The verdict, derived from the checks so it can never disagree with them.
    package var state: BackupState {
        if window == nil { return .noWindowYet }
        if checks.contains(where: { $0.kind == .exists && $0.status == .failed }) { return .missing }
        if checks.contains(where: { $0.kind == .freshness && $0.status == .failed })
            && producedAt.map({ date in window.map { date < $0.start } ?? false }) == true
        {
            return .missing
        }
        return checks.contains { $0.status == .failed } ? .failed : .healthy
    }

    package var failedChecks: [CheckResult] { checks.filter { $0.status == .failed } }

    package func check(_ kind: CheckKind) -> CheckResult? { checks.first { $0.kind == kind } }
}
