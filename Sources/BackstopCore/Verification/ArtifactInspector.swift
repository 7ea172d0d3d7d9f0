import Foundation

/// Reads what verification needs from where backups are kept. Faults are thrown as
/// ``InspectionError`` and become failed checks with that message as evidence.
package protocol ArtifactInspector: Sendable {
    /// The newest artifact matching the asset's path for this window, or nil when there is none.
    func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact?

    /// The SHA-256 the backup's checksum policy says the artifact must have (lower-case hex).
    func expectedChecksum(of artifact: Artifact, policy: ChecksumPolicy) async throws(InspectionError) -> String

    /// Hashes the artifact, reporting bytes read as it goes. Lower-case hex.
    func sha256(of artifact: Artifact, progress: @Sendable (Int) -> Void) async throws(InspectionError) -> String

    /// Reads and decodes a tool status file.
    func toolReport(at path: String) async throws(InspectionError) -> ToolReport
}

/// Why an artifact, checksum or status file could not be read.
package struct InspectionError: Error, Equatable, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
