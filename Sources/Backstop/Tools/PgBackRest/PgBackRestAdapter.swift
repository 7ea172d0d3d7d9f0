import BackstopCore
import Foundation

/// pgBackRest stanzas: the newest backup in `pgbackrest info` is the artifact (its database
/// size is its size, its stop time when it was made); pgBackRest's own error flag and
/// optionally `pgbackrest verify` prove it; WAL continuity from it to the newest archived
/// segment is the `wal_archive` check; it is restored into a throwaway cluster by
/// ``PostgresRestore``. pgBackRest runs as the PostgreSQL user when Backstop is root.
package struct PgBackRestAdapter: BackupAdapter {
    private let invocation: ToolInvocation
    private let binaries: PostgresBinaries
    private var infos = RunScopedCache<PgBackRestInfo>()
    private var verifications = RunScopedCache<CheckResult>()

    package init(runner: any ProcessRunning, binaries: PostgresBinaries, timeout: Duration) {
        var invocation = ToolInvocation(runner: runner, tool: "pgbackrest", timeout: timeout)
        invocation.launcher = binaries.asServerUser
        self.invocation = invocation
        self.binaries = binaries
    }

    package func scopedToRun() -> PgBackRestAdapter {
        var scoped = self
        scoped.infos = RunScopedCache()
        scoped.verifications = RunScopedCache()
        return scoped
    }

    /// One `pgbackrest info` per stanza per run.
    func info(_ source: PgBackRestSource) async throws(InspectionError) -> PgBackRestInfo {
        let invocation = invocation
        return try await infos.value(for: Self.key(source)) { () throws(InspectionError) in
            let output = try await invocation.output(PgBackRestCommand.info(source), environment: [:])
            return try PgBackRestInfo.decode(output, stanza: source.stanza)
        }
    }

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        guard case .pgbackrest(let source) = backup.source else { return nil }
        let info = try await info(source)
        switch info.status.code {
        case 0: break
        case 2: return nil  // "no valid backups": the stanza exists, no backup ever finished
        default:
            throw InspectionError(
                "pgBackRest reports stanza \(source.stanza): \(info.status.message) (status \(info.status.code))",
                output: "pgbackrest: stanza \(source.stanza): \(info.status.message)")
        }
        guard let newest = info.newest else { return nil }
        return Artifact(
            path: "pgbackrest stanza \(source.stanza) backup \(newest.label)", sizeBytes: newest.info.size,
            modifiedAt: Date(timeIntervalSince1970: TimeInterval(newest.timestamp.stop)), reference: newest.label)
    }

    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? {
        guard case .pgbackrest(let source) = backup.source else { return nil }
        let info: PgBackRestInfo
        do {
            info = try await self.info(source)
        } catch {
            return .failed(.checksum, "pgbackrest info failed: \(error.message)", excerpt: error.output)
        }
        guard let entry = info.backup.first(where: { $0.label == artifact.reference }) else {
            return .failed(.checksum, "backup \(artifact.reference ?? "?") is no longer listed by pgbackrest info")
        }
        // Never trust the exit code alone: pgBackRest flags backups it took with errors.
        if entry.error == true {
            return .failed(
                .checksum, "pgBackRest flags backup \(entry.label) as having errors (page checksum errors found while backing up)",
                expected: "no errors", actual: "error: true")
        }
        guard source.verify else {
            return .passed(.checksum, "pgBackRest lists backup \(entry.label) (\(entry.type)) without errors")
        }
        let invocation = invocation
        let result = try? await verifications.value(for: Self.key(source)) { () throws(InspectionError) in
            do throws(InspectionError) {
                let output = try await invocation.output(PgBackRestCommand.verify(source), environment: [:])
                let findings = Self.verifyFindings(output)
                guard findings.isEmpty else {
                    return .failed(
                        .checksum, "pgbackrest verify found invalid files in the repository (its exit code was 0)", expected: "status: ok",
                        excerpt: findings.joined(separator: "\n"))
                }
                return .passed(
                    .checksum, "pgbackrest verify found no errors in the repository; backup \(entry.label) is listed without errors")
            } catch {
                return .failed(.checksum, "pgbackrest verify failed: \(error.message)", expected: "no errors", excerpt: error.output)
            }
        }
        return result ?? .failed(.checksum, "pgbackrest verify did not run")
    }

    package func extraChecks(of artifact: Artifact, backup: BackupSpec) async -> [CheckResult] {
        guard case .pgbackrest(let source) = backup.source else { return [] }
        return [await WALContinuity(invocation: invocation).check(artifact, source: source, info: try? await info(source))]
    }

    /// The lines of verify's summary that report a problem: an `error` status, an invalid
    /// backup or archive, and the counts of invalid files under them.
    static func verifyFindings(_ output: String) -> [String] {
        let lines = output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard lines.contains(where: { $0.hasSuffix("status: error") }) else { return [] }
        return lines.filter { line in
            line.hasSuffix("status: error") || line.contains("status: invalid") || line.contains(" invalid: ") || line.hasPrefix("missing:")
        }
    }

    private static func key(_ source: PgBackRestSource) -> String {
        "\(source.stanza)\u{0}\(source.config ?? "")\u{0}\(source.repo.map(String.init) ?? "")"
    }
}
