import Foundation

/// Reads what verification needs from where backups are kept. Faults are thrown as
/// ``InspectionError`` and become failed checks with that message as evidence.
package protocol ArtifactInspector: Sendable {
    /// The newest artifact matching the asset's path for this window, or nil when there is none.
    func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact?

    /// The SHA-256 the backup's checksum policy says the artifact must have (lower-case hex).
    func expectedChecksum(of artifact: Artifact, backup: BackupSpec) async throws(InspectionError) -> String

    /// Hashes the artifact, reporting bytes read as it goes. Lower-case hex.
    func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) async throws(InspectionError) -> String

    /// Reads and decodes a tool status file.
    func toolReport(at path: String) async throws(InspectionError) -> ToolReport

    /// The backup tool's own integrity check of the artifact's repository (`restic check`,
    /// `borg check`), or nil when the backup's checksum policy decides instead.
    func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult?

    /// Checks that only some backup types have (pgBackRest's WAL archive continuity).
    func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult]

    /// An inspector for one verification run: what it lists once per repository (snapshots,
    /// archives, checks) is shared by the run's assets and listed anew in the next run.
    func scopedToRun() -> Self
}

extension ArtifactInspector {
    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? { nil }
    package func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult] { [] }
    package func scopedToRun() -> Self { self }
}

/// Why an artifact, checksum or status file could not be read.
package struct InspectionError: Error, Equatable, CustomStringConvertible {
    package var message: String
    /// What the backup tool printed, kept as evidence for diagnosis and the report.
    package var output: String?
    package init(_ message: String, output: String? = nil) {
        self.message = message
        self.output = output
    }
    package var description: String { message }
}
