import BackstopCore
import Foundation

/// A restore test into a throwaway cluster: load the backup (pgBackRest restore and recovery,
/// or a pg_dump archive into a new database), run the validation queries, and stop the cluster
/// on every path out, including cancellation by Backstop's shutdown.
package struct PostgresRestore: Sendable {
    package var runner: any ProcessRunning
    package var binaries: PostgresBinaries

    package init(runner: any ProcessRunning, binaries: PostgresBinaries) {
        self.runner = runner
        self.binaries = binaries
    }

    /// How a pgBackRest backup is restored: which stanza and set, and the backup's major version.
    package struct PgBackRestSet: Sendable {
        package var source: PgBackRestSource
        package var label: String
        package var majorVersion: String?
    }

    /// What happened, with each phase's duration for the evidence.
    package struct Result: Sendable {
        package var status: RestoreOutcome.Status
        package var evidence: Evidence
        /// Ended by Backstop's own shutdown: not a verdict on the backup.
        package var interrupted = false
    }

    package func run(
        spec: PostgresRestoreSpec, artifactPath: String, pgbackrest: PgBackRestSet?, scratch: String,
        environment: [String: String], timeout: Duration
    ) async -> Result {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var phases: [String] = []
        func remaining() -> Duration { max(.zero, deadline - clock.now) }
        func timed<T>(_ phase: String, _ body: () async throws(InspectionError) -> T) async throws(InspectionError) -> T {
            let start = clock.now
            let value = try await body()
            phases.append("\(phase) \(String(format: "%.1f s", (clock.now - start).seconds))")
            return value
        }

        let binDirectory: String
        do {
            binDirectory = try binaries.directory(major: pgbackrest?.majorVersion)
            try binaries.handOver(scratch)
        } catch {
            return Result(status: .failed, evidence: Evidence(error.message, excerpt: error.output))
        }
        let cluster = ThrowawayCluster(
            runner: runner, binaries: binaries, binDirectory: binDirectory, scratch: scratch, environment: environment)
        do throws(InspectionError) {
            try cluster.checkSocketPath()
            if let set = pgbackrest {
                try await timed("restored in") { () throws(InspectionError) in
                    try await cluster.server(PgBackRestCommand.restore(set, into: cluster.dataDirectory), timeout: remaining())
                }
                try await timed("recovered in") { () throws(InspectionError) in
                    try await cluster.start(timeout: remaining())
                    try await waitForPromotion(cluster, database: spec.database, deadline: deadline)
                }
            } else {
                try await timed("restored in") { () throws(InspectionError) in
                    try await cluster.initialize(timeout: remaining())
                    try await cluster.start(timeout: remaining())
                    try await load(
                        artifactPath, format: spec.format ?? .custom, database: spec.database, cluster: cluster, timeout: remaining())
                }
            }
            try await timed("validated in") { () throws(InspectionError) in
                try await validate(spec, cluster: cluster, timeout: remaining())
            }
        } catch {
            await stopUncancelled(cluster)
            if Task.isCancelled {
                return Result(
                    status: .failed, evidence: Evidence("restore test interrupted by Backstop's shutdown; the cluster was stopped"),
                    interrupted: true)
            }
            let status: RestoreOutcome.Status = remaining() <= .zero ? .timedOut : .failed
            return Result(status: status, evidence: Evidence(error.message, excerpt: error.output))
        }
        await stopUncancelled(cluster)
        let queries = spec.validateSQL.count
        return Result(
            status: .passed,
            evidence: Evidence(
                "restored into a throwaway PostgreSQL cluster and passed \(queries) validation \(queries == 1 ? "query" : "queries"): \(phases.joined(separator: ", "))"
            ))
    }

    /// Stopping must happen even when the test was cancelled by shutdown: a detached task is
    /// not cancelled with its parent.
    private func stopUncancelled(_ cluster: ThrowawayCluster) async {
        await Task.detached { await cluster.stop() }.value
    }

    private func load(
        _ artifact: String, format: PostgresRestoreSpec.DumpFormat, database: String, cluster: ThrowawayCluster, timeout: Duration
    ) async throws(InspectionError) {
        _ = try await cluster.client(
            "psql",
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", "CREATE DATABASE \(SQLValidation.quoteIdentifier(database))"],
            timeout: timeout)
        switch format {
        case .plain:
            _ = try await cluster.client("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database, "-f", artifact], timeout: timeout)
        case .custom, .directory, .tar:
            // A directory-format dump is found by its toc.dat; pg_restore reads the directory.
            let input =
                format == .directory && (artifact as NSString).lastPathComponent == "toc.dat"
                ? (artifact as NSString).deletingLastPathComponent : artifact
            _ = try await cluster.client(
                "pg_restore",
                ["--exit-on-error", "--no-owner", "--no-privileges", "--format=\(format.rawValue)", "-d", database, input],
                timeout: timeout)
        }
    }

    private func validate(_ spec: PostgresRestoreSpec, cluster: ThrowawayCluster, timeout: Duration) async throws(InspectionError) {
        for query in spec.validateSQL {
            let output = try await cluster.client(
                "psql", ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", spec.database, "-c", query], timeout: timeout)
            if let problem = SQLValidation.problem(with: output) {
                throw InspectionError("validation query failed: \(query) → \(problem)", output: output)
            }
        }
    }

    /// A restore with `recovery_target_action=promote` accepts read-only connections before it
    /// has promoted: poll until it has, so queries see the recovered database.
    private func waitForPromotion(_ cluster: ThrowawayCluster, database: String, deadline: ContinuousClock.Instant)
        async throws(InspectionError)
    {
        while true {
            let output = try await cluster.client(
                "psql", ["-X", "-A", "-t", "-q", "-d", "postgres", "-c", "SELECT pg_is_in_recovery()"], timeout: .seconds(30))
            if output.trimmingCharacters(in: .whitespacesAndNewlines) == "f" { return }
            guard ContinuousClock.now < deadline else {
                throw InspectionError("the restored cluster was still recovering when the restore timeout ran out")
            }
            do { try await Task.sleep(for: .milliseconds(100)) } catch { throw InspectionError("recovery wait interrupted") }
        }
    }
}

/// Reading what a validation query returned.
package enum SQLValidation {
    /// nil when the output is one row whose first column is true or a non-zero number;
    /// otherwise what is wrong with it, for the evidence.
    package static func problem(with output: String) -> String? {
        let rows = output.split(separator: "\n", omittingEmptySubsequences: true)
        guard rows.count == 1, let row = rows.first else { return "returned \(rows.count) rows, expected exactly one" }
        let first = String(row.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            .trimmingCharacters(in: .whitespaces)
        if first == "t" { return nil }
        if let number = Double(first), number != 0 { return nil }
        return "returned '\(first)', expected true or a non-zero number"
    }

    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
