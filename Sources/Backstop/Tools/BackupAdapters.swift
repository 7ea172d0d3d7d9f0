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
    package var pgbackrest: PgBackRestAdapter
    /// Restores into throwaway PostgreSQL clusters (`restore.postgres`).
    package var postgres: PostgresRestore

    /// `http` carries the S3 calls (by default one client for the process that never
    /// decompresses or follows redirects, see ``S3Client/httpClient``).
    package init(
        timeZones: [String: TimeZone], runner: some ProcessRunning, postgres settings: PostgresSettings = PostgresSettings(),
        timeout: Duration = .seconds(600), http: HTTPClient = S3Client.httpClient
    ) {
        files = FileArtifactInspector(timeZones: timeZones)
        restic = ResticAdapter(runner: runner, timeout: timeout)
        borg = BorgAdapter(runner: runner, timeout: timeout)
        s3 = S3Adapter(timeZones: timeZones, http: http)
        let binaries = PostgresBinaries(settings: settings)
        pgbackrest = PgBackRestAdapter(runner: runner, binaries: binaries, timeout: timeout)
        postgres = PostgresRestore(runner: runner, binaries: binaries)
    }

    private func adapter(for backup: BackupSpec) -> any BackupAdapter {
        switch backup.source {
        case .files: files
        case .restic: restic
        case .borg: borg
        case .s3: s3
        case .pgbackrest: pgbackrest
        }
    }

    package func scopedToRun() -> BackupAdapters {
        var scoped = self
        scoped.restic = restic.scopedToRun()
        scoped.borg = borg.scopedToRun()
        scoped.pgbackrest = pgbackrest.scopedToRun()
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

    package func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult] {
        await adapter(for: backup).extraChecks(of: artifact, backup: backup)
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

    package func restoreIntoPostgres(
        _ spec: PostgresRestoreSpec, artifact: Artifact, artifactPath: String, backup: BackupSpec, scratch: String,
        environment: [String: String], timeout: Duration
    ) async -> PostgresRestore.Result {
        var set: PostgresRestore.PgBackRestSet?
        if case .pgbackrest(let source) = backup.source, let label = artifact.reference {
            // The backup's major version picks the binaries; info is listed anew (this
            // planner is not scoped to the verification run).
            let info = try? await pgbackrest.info(source)
            let entry = info?.backup.first { $0.label == label }
            set = PostgresRestore.PgBackRestSet(source: source, label: label, majorVersion: entry.flatMap { info?.majorVersion(of: $0) })
        }
        return await postgres.run(
            spec: spec, artifactPath: artifactPath, pgbackrest: set, scratch: scratch, environment: environment, timeout: timeout)
    }
}

/// What the restore tester asks of a backup's adapter: where the artifact is for restore
/// commands, the tool's own restore, the tool's environment, and restores into PostgreSQL.
package protocol RestorePlanning: Sendable {
    func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String?
    func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]?
    func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String]
    /// `restore.postgres`: the artifact (a dump at `artifactPath`, or a pgBackRest backup)
    /// restored into a throwaway cluster in `scratch` and validated with SQL. `environment`
    /// carries the restore test's marker, so the cluster's processes are found like any
    /// restore command's.
    func restoreIntoPostgres(
        _ spec: PostgresRestoreSpec, artifact: Artifact, artifactPath: String, backup: BackupSpec, scratch: String,
        environment: [String: String], timeout: Duration
    ) async -> PostgresRestore.Result
}

/// Files only: restore commands read the artifact where it is, with Backstop's environment.
package struct FileRestorePlanning: RestorePlanning {
    package init() {}
    package func stage(_ artifact: Artifact, backup: BackupSpec, scratch: String) async throws(InspectionError) -> String? { nil }
    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? { nil }
    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] { [:] }
    package func restoreIntoPostgres(
        _ spec: PostgresRestoreSpec, artifact: Artifact, artifactPath: String, backup: BackupSpec, scratch: String,
        environment: [String: String], timeout: Duration
    ) async -> PostgresRestore.Result {
        await PostgresRestore(runner: ProcessRunner(), binaries: PostgresBinaries(settings: PostgresSettings()))
            .run(spec: spec, artifactPath: artifactPath, pgbackrest: nil, scratch: scratch, environment: environment, timeout: timeout)
    }
}
