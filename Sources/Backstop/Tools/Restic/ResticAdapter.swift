import BackstopCore
import Foundation

/// restic repositories: the newest snapshot matching the asset's host, tags and paths is the
/// artifact; its restore size is its size; `restic check` proves the repository; `restic
/// restore` into scratch is the restore test. Read-only: listing, stats and restore run with
/// `--no-lock`, only `check` takes the lock it needs, and nothing ever forgets, prunes or unlocks.
package struct ResticAdapter: BackupAdapter {
    private let invocation: ToolInvocation
    /// One `restic snapshots` and one `restic check` per repository per run.
    private var listings = RunScopedCache<[ResticSnapshot]>()
    private var checks = RunScopedCache<CheckResult>()
    /// Which day's slice a `read_data_subset` share reads (tests pin it).
    package var today: @Sendable () -> Date = { Date() }

    package init(runner: any ProcessRunning, timeout: Duration) {
        invocation = ToolInvocation(runner: runner, tool: "restic", timeout: timeout)
    }

    package func scopedToRun() -> ResticAdapter {
        var scoped = self
        scoped.listings = RunScopedCache()
        scoped.checks = RunScopedCache()
        return scoped
    }

    package func environment(for backup: BackupSpec) throws(InspectionError) -> [String: String] {
        guard case .restic(let source) = backup.source else { return [:] }
        var environment = try ToolEnvironment.read(file: source.environmentFile)
        environment["RESTIC_REPOSITORY"] = source.repository
        switch source.password {
        case .file(let path): environment["RESTIC_PASSWORD_FILE"] = path
        case .command(let argv): environment["RESTIC_PASSWORD_COMMAND"] = ToolEnvironment.commandLine(argv)
        }
        return environment
    }

    package func locate(_ backup: BackupSpec, window: BackupWindow?, now: Date) async throws(InspectionError) -> Artifact? {
        guard case .restic(let source) = backup.source else { return nil }
        let environment = try environment(for: backup)
        let invocation = invocation
        let snapshots = try await listings.value(for: Self.key(source)) { () throws(InspectionError) in
            let output = try await invocation.output(
                ["snapshots", "--json", "--no-lock"], environment: environment, meaning: ResticExitCodes.meaning)
            return try ResticSnapshot.decodeListing(output)
        }
        guard let snapshot = ResticSnapshot.newest(in: snapshots, matching: source) else { return nil }
        let stats = try await invocation.output(
            ["stats", "--json", "--mode", "restore-size", "--no-lock", snapshot.id], environment: environment,
            meaning: ResticExitCodes.meaning)
        return Artifact(
            path: "\(ToolEnvironment.redacted(source.repository)) snapshot \(snapshot.shortID ?? String(snapshot.id.prefix(8)))",
            sizeBytes: try Self.restoreSize(stats), modifiedAt: snapshot.time, reference: snapshot.id)
    }

    package func integrity(of artifact: Artifact, backup: BackupSpec) async -> CheckResult? {
        guard case .restic(let source) = backup.source else { return nil }
        let subset = Self.subsetArgument(source.readDataSubset, day: today())
        let environment: [String: String]
        do {
            environment = try self.environment(for: backup)
        } catch {
            return .failed(.checksum, "restic check could not start: \(error.message)")
        }
        let scope = subset.map { " (\($0.replacingOccurrences(of: "--", with: "")))" } ?? " (structure only)"
        return await checks.repositoryCheck(
            key: Self.key(source) + (subset ?? ""), invocation: invocation, arguments: ["check"] + (subset.map { [$0] } ?? []),
            environment: environment, meaning: ResticExitCodes.meaning, passed: "restic check found no errors in the repository\(scope)")
    }

    package func defaultRestore(_ artifact: Artifact, backup: BackupSpec, scratch: String) -> [String]? {
        guard let snapshot = artifact.reference else { return nil }
        return ["restic", "restore", snapshot, "--target", scratch, "--no-lock"]
    }

    // MARK: - Helpers

    /// Assets share a listing when they name the same repository with the same credentials.
    private static func key(_ source: ResticSource) -> String {
        "\(source.repository)\u{0}\(source.password)\u{0}\(source.environmentFile ?? "")"
    }

    package static func restoreSize(_ output: String) throws(InspectionError) -> Int64 {
        struct Stats: Decodable {
            var totalSize: Int64
            enum CodingKeys: String, CodingKey { case totalSize = "total_size" }
        }
        guard let start = output.firstIndex(of: "{"),
            let stats = try? JSONDecoder().decode(Stats.self, from: Data(output[start...].utf8))
        else {
            throw InspectionError("restic stats printed no total_size", output: ToolInvocation.lastLines(of: output))
        }
        return stats.totalSize
    }

    /// `--read-data-subset=n/t` for a share, rotating by calendar day so that t successive days
    /// read the whole repository; `--read-data` for 100 %.
    package static func subsetArgument(_ subset: DataSubset?, day: Date) -> String? {
        switch subset {
        case nil: return nil
        case .part(let part, let total): return "--read-data-subset=\(part)/\(total)"
        case .share(let share):
            if share >= 1 { return "--read-data" }
            let total = max(1, Int((1 / share).rounded()))
            let dayNumber = Int(day.timeIntervalSince1970 / 86_400)
            return "--read-data-subset=\(dayNumber % total + 1)/\(total)"
        }
    }
}
