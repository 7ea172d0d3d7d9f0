import BackstopCore
import Foundation

/// borg repositories: the newest archive matching `archive_glob` is the artifact; its original
/// size is its size; `borg check` (repository only, or with `--verify-data`) proves the
/// repository; `borg extract` in scratch is the restore test. Read-only: listing, info and
/// extract bypass the lock, only `check` takes it, and nothing ever prunes, deletes or breaks a lock.
package struct BorgAdapter: BackupAdapter {
    private let invocation: ToolInvocation
    private var listings = RunScopedCache<[BorgArchive]>()
    private var checks = RunScopedCache<CheckResult>()

    package init(runner: any ProcessRunning, timeout: Duration) {
        invocation = ToolInvocation(runner: runner, tool: "borg", timeout: timeout)
    }

    package func scopedToRun() -> BorgAdapter {
        var scoped = self
        scoped.listings = RunScopedCache()
        scoped.checks = RunScopedCache()
        return scoped
    }

    /// The passphrase reaches borg through BORG_PASSCOMMAND (a file is read with `cat`), never
    /// argv or BORG_PASSPHRASE, so it is in no process listing and no environment dump.
    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] {
        guard case .borg(let source) = backup.source else { return [:] }
        var environment = ["BORG_REPO": source.repository]
        switch source.passphrase {
        case .file(let path): environment["BORG_PASSCOMMAND"] = ToolEnvironment.commandLine(["cat", "--", path])
        case .command(let argv): environment["BORG_PASSCOMMAND"] = ToolEnvironment.commandLine(argv)
        case nil: break
        }
        return environment
    }

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        guard case .borg(let source) = backup.source else { return nil }
        let environment = try environment(for: backup)
        let invocation = invocation
        let archives = try await listings.value(for: Self.key(source)) { () throws(InspectionError) in
            let output = try await invocation.output(["list", "--json", "--bypass-lock"], environment: environment, meaning: Self.meaning)
            return try BorgArchive.decodeListing(output)
        }
        guard let archive = BorgArchive.newest(in: archives, glob: source.archiveGlob) else { return nil }
        let info = try await invocation.output(
            ["info", "--json", "--bypass-lock", "::\(archive.name)"], environment: environment, meaning: Self.meaning)
        let stats = try BorgArchiveStats.decode(info)
        return Artifact(
            path: "\(ToolEnvironment.redacted(source.repository))::\(archive.name)", sizeBytes: stats.originalSize,
            modifiedAt: archive.start, reference: archive.name)
    }

    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? {
        guard case .borg(let source) = backup.source else { return nil }
        let environment: [String: String]
        do {
            environment = try self.environment(for: backup)
        } catch {
            return .failed(.checksum, "borg check could not start: \(error.message)")
        }
        let arguments = source.verifyData ? ["check", "--verify-data"] : ["check", "--repository-only"]
        return await checks.repositoryCheck(
            key: Self.key(source) + arguments[1], invocation: invocation, arguments: arguments, environment: environment,
            meaning: Self.meaning, passed: "borg \(arguments.joined(separator: " ")) found no errors")
    }

    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? {
        // borg extracts into its working directory, which the restore tester sets to scratch.
        artifact.reference.map { ["borg", "extract", "--bypass-lock", "::\($0)"] }
    }

    private static func key(_ source: BorgSource) -> String {
        "\(source.repository)\u{0}\(String(describing: source.passphrase))"
    }

    /// borg 1.2's exit codes: 1 is a warning (the command completed), 2 an error.
    static func meaning(_ code: Int32) -> String? {
        switch code {
        case 1: "borg: warning"
        case 2: "borg: error, the command did not complete"
        case 128...: "borg: killed by signal \(code - 128)"
        default: nil
        }
    }
}
