import BackstopCore
import Foundation

/// One kind of backup source (files, restic, borg, S3): how its artifacts are found, measured,
/// checked and restored. Each lives in its own folder under Tools/; ``BackupAdapters`` picks one
/// by the asset's `backup.type`, so the verifier, the record, metrics and incidents have no
/// per-type code.
package protocol BackupAdapter: Sendable {
    /// The newest artifact of this backup for the window, or nil when there is none.
    func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact?
    /// The SHA-256 the artifact must have, from where the checksum policy says.
    func expectedChecksum(of artifact: Artifact, backup: BackupSpec) async throws(InspectionError) -> String
    /// Hashes the artifact's bytes (lower-case hex).
    func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) async throws(InspectionError) -> String
    /// The tool's own check of the repository, or nil when the checksum policy decides.
    func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult?
    /// Checks of the type's own beyond the shared ones (pgBackRest's `wal_archive`).
    func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult]
    /// Puts the artifact where restore commands can read it; returns what `{artifact}` means
    /// in them. Files and repositories need nothing (nil keeps the artifact's path); S3
    /// downloads the object into scratch.
    func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String?
    /// The tool's own restore into `scratch`, used when `restore.command` is not given.
    func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]?
    /// What the tool's commands (and the asset's own restore commands) get in their
    /// environment: repository, password file or command, keys. Never logged.
    func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String]
    /// An adapter for one verification run (listings shared by that run's assets).
    func scopedToRun() -> Self
}

extension BackupAdapter {
    package func expectedChecksum(of artifact: Artifact, backup: BackupSpec) async throws(InspectionError) -> String {
        throw InspectionError("\(backup.source.type) backups keep no checksum file; their tool checks integrity")
    }
    package func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) async throws(InspectionError)
        -> String
    {
        throw InspectionError("\(backup.source.type) backups are checked by their tool, not hashed by Backstop")
    }
    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? { nil }
    package func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult] { [] }
    package func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String? { nil }
    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? { nil }
    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] { [:] }
    package func scopedToRun() -> Self { self }
}
