import AsyncHTTPClient
import BackstopCore
import Foundation

/// Every backup adapter, chosen by the asset's `backup.type`: the one inspector the verifier
/// uses and the one restore planner the restore tester uses.
package struct BackupAdapters: ArtifactInspector, RestorePlanning {
    package var files: FileArtifactInspector
    package var restic: ResticAdapter
    package var borg: BorgAdapter
    package var s3: S3Adapter

    /// `http` carries the S3 calls (by default one client for the process that never
    /// decompresses or follows redirects, see ``S3Client/httpClient``).
    package init(
        timeZones: [String: TimeZone], runner: some ProcessRunning, timeout: Duration = .seconds(600),
        http: HTTPClient = S3Client.httpClient
    ) {
        files = FileArtifactInspector(timeZones: timeZones)
        restic = ResticAdapter(runner: runner, timeout: timeout)
        borg = BorgAdapter(runner: runner, timeout: timeout)
        s3 = S3Adapter(timeZones: timeZones, http: http)
    }

    private func adapter(for backup: BackupSpec) -> any BackupAdapter {
        switch backup.source {
        case .files: files
        case .restic: restic
        case .borg: borg
        case .s3: s3
        }
    }

    package func scopedToRun() -> BackupAdapters {
        var scoped = self
        scoped.restic = restic.scopedToRun()
        scoped.borg = borg.scopedToRun()
        return scoped
    }

    // MARK: - ArtifactInspector

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        try await adapter(for: backup).locate(backup, window: window, now: now)
    }

    package func expectedChecksum(of artifact: Artifact, backup: BackupSpec) async throws(InspectionError) -> String {
        try await adapter(for: backup).expectedChecksum(of: artifact, backup: backup)
    }

    package func sha256(of artifact: Artifact, backup: BackupSpec, progress: @Sendable (Int) -> Void) async throws(InspectionError)
        -> String
    {
        try await adapter(for: backup).sha256(of: artifact, backup: backup, progress: progress)
    }

    package func toolReport(at path: String) async throws(InspectionError) -> ToolReport {
        try files.toolReport(at: path)
    }

    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? {
        await adapter(for: backup).integrity(of: artifact, backup: backup)
    }

    // MARK: - RestorePlanning

    package func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String? {
        try await adapter(for: backup).stage(artifact, backup: backup, scratch: scratch)
    }

    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? {
        adapter(for: backup).defaultRestore(artifact, backup: backup, scratch: scratch)
    }

    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] {
        try adapter(for: backup).environment(for: backup)
    }
}

/// What the restore tester asks of a backup's adapter: where the artifact is for restore
/// commands, the tool's own restore, and the tool's environment.
package protocol RestorePlanning: Sendable {
    func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String?
    func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]?
    func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String]
}

/// Files only: restore commands read the artifact where it is, with Backstop's environment.
package struct FileRestorePlanning: RestorePlanning {
    package init() {}
    package func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String? { nil }
    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? { nil }
    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] { [:] }
}
