import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// Backstop's own shutdown in the middle of a PostgreSQL restore test: the run is aborted, the
/// backup's state is unchanged and no throwaway cluster is left running.
@Suite struct PostgresShutdownTests {
    @Test(.timeLimit(.minutes(3))) func aShutdownMidRestoreLeavesNoClusterAndNoFailure() async throws {
        let harness = try Harness(now: Date())
        let dump = harness.directory.file("ledger.sql")
        try harness.directory.write(
            "ledger.sql", "CREATE TABLE entries (id int PRIMARY KEY);\nINSERT INTO entries SELECT generate_series(1, 100);\n")
        let configuration = try harness.configuration(
            assets: """
                  - name: ledger-db
                    kind: database
                    schedule: nightly
                    backup: { type: files, path: "\(dump)" }
                    restore:
                      postgres: { format: plain, database: ledger, validate_sql: ["SELECT pg_sleep(300) IS NULL"] }
                      timeout: 10m
                """)
        let services = try await harness.services(configuration)
        let run = Task { try await services.runner.run(VerificationRequest(trigger: .manual)) }

        // Waits for the condition the test needs: a postmaster running in the restore's scratch.
        let scratchRoot = harness.directory.file("scratch")
        var postmaster: Int32?
        let deadline = Date().addingTimeInterval(120)
        while postmaster == nil, Date() < deadline {
            postmaster = Self.runningPostmaster(under: scratchRoot)
            if postmaster == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let pid = try #require(postmaster, "the throwaway cluster never started")
        run.cancel()
        let recorded = try await run.value

        #expect(recorded.status == .aborted)
        let stored = try #require(try await services.store.run(id: recorded.id))
        #expect(stored.restoreTests.isEmpty, "a restore we interrupted is not a result")
        #expect(stored.outcome("ledger-db")?.state == .healthy)
        #expect(stored.outcome("ledger-db")?.check(.restore)?.status == .skipped)
        #expect(ProcessProbe.isGone(pid), "the postmaster was stopped")
        #expect(harness.scratchLeftovers.isEmpty)
    }

    /// The pid of a live postmaster whose data directory is under `root`, if any.
    static func runningPostmaster(under root: String) -> Int32? {
        let scratches = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for scratch in scratches {
            let pidFile = "\(root)/\(scratch)/pgdata/postmaster.pid"
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = text.split(separator: "\n").first.flatMap({ Int32($0) }), kill(pid, 0) == 0
            else { continue }
            return pid
        }
        return nil
    }
}
