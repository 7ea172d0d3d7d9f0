import Backstop
import BackstopCore
import BackstopTesting
import Foundation
import Testing

/// End-to-end verification of real files with real tar/gzip restores, one scenario each.
@Suite struct VerificationScenarioTests {
    static func asset(
        _ name: String = "orders-db", path: String = "backups/orders-*.tar.gz", checksum: String = "sidecar", extra: String = "",
        restore: String =
            #"{ command: ["tar", "-xzf", "{artifact}", "-C", "{scratch}"], validate: ["test", "-s", "{scratch}/dump.sql"], timeout: 1m }"#
    ) -> String {
        """
          - name: \(name)
            kind: database
            schedule: nightly
            backup:
              type: files
              path: \(path)
              checksum: \(checksum)
        \(extra.isEmpty ? "" : extra.split(separator: "\n").map { "      \($0)" }.joined(separator: "\n") + "\n")    restore: \(restore)
        """
    }

    @Test func aHealthyBackupPassesEveryCheckAndRestores() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(extra: "max_age: 26h")))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.state == .healthy)
        #expect(outcome.failedChecks.isEmpty)
        #expect(outcome.check(.checksum)?.status == .passed)
        #expect(outcome.check(.restore)?.status == .passed)
        #expect(outcome.check(.freshness)?.status == .passed)
        #expect(outcome.bytesHashed == outcome.artifact?.sizeBytes)
        #expect(run.status == .healthy)
        #expect(run.restoreTests.first?.status == .passed)
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func theNewestMatchWins() async throws {
        let harness = try Harness()
        let old = try await harness.fixtures.archive("backups/orders-2026-11-21.tar.gz")
        try harness.fixtures.setModified(old, to: Harness.backupTime.addingTimeInterval(-86_400))
        let new = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(new, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        #expect(run.outcome("orders-db")?.artifact?.path == new)
        #expect(run.outcome("orders-db")?.state == .healthy)
    }

    @Test func aBackupThatNeverRanIsMissing() async throws {
        let harness = try Harness()
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.state == .missing)
        #expect(outcome.check(.exists)?.status == .failed)
        #expect(outcome.check(.exists)?.evidence.message.contains("no artifact matches") == true)
        #expect(run.status == .failed)
        #expect(run.restoreTests.isEmpty)
    }

    @Test func aTruncatedArchiveFailsItsChecksumAndItsRestore() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz", rows: 5_000)
        let size = try FileManager.default.attributesOfItem(atPath: artifact)[.size] as! Int
        try await harness.fixtures.truncate(artifact, to: size / 2)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.state == .failed)
        #expect(outcome.check(.checksum)?.status == .failed)
        let restore = try #require(outcome.check(.restore))
        #expect(restore.status == .failed)
        #expect(restore.evidence.excerpt?.contains("unexpected end of file") == true)
    }

    @Test func aTruncatedArchiveWithoutChecksumIsCaughtByTheRestore() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz", rows: 5_000, sidecar: false)
        let size = try FileManager.default.attributesOfItem(atPath: artifact)[.size] as! Int
        try await harness.fixtures.truncate(artifact, to: size / 2)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(checksum: "none")))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.check(.checksum)?.status == .skipped)
        #expect(outcome.check(.restore)?.status == .failed)
        #expect(outcome.state == .failed)
    }

    @Test func aChecksumMismatchNamesExpectedAndActual() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        let expected = try String(contentsOfFile: artifact + ".sha256", encoding: .utf8).prefix(64)
        try harness.fixtures.corrupt(artifact)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        let check = try #require(run.outcome("orders-db")?.check(.checksum))
        #expect(check.status == .failed)
        #expect(check.evidence.expected == String(expected))
        let actual = try await Shell.run(["sha256sum", artifact]).prefix(64)
        #expect(check.evidence.actual == String(actual))
    }

    @Test func aMissingSidecarFailsTheChecksumCheck() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz", sidecar: false)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        let check = try #require(run.outcome("orders-db")?.check(.checksum))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains(".sha256 does not exist"))
    }

    @Test func aManifestListsTheExpectedChecksum() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz", sidecar: false)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let line = try await Shell.run(["sha256sum", "orders-2026-11-22.tar.gz"], in: harness.directory.file("backups"))
        try harness.directory.write(
            "backups/SHA256SUMS", "0000000000000000000000000000000000000000000000000000000000000000  other.tar.gz\n" + line)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(checksum: "{ manifest: backups/SHA256SUMS }")))
        #expect(run.outcome("orders-db")?.check(.checksum)?.status == .passed)
    }

    @Test func anArtifactBelowTheMinimumSizeFails() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz", rows: 10)
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(extra: "size: { min: 1MiB }")))
        let check = try #require(run.outcome("orders-db")?.check(.size))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("below the minimum 1 MiB"))
    }

    @Test func aSizeJumpAgainstRecentHealthyBackupsFails() async throws {
        let harness = try Harness()
        let configuration = try harness.configuration(assets: Self.asset(extra: "size: { max_change: 50% }"))
        let services = try await harness.services(configuration)
        let big = try await harness.fixtures.archive("backups/orders-1.tar.gz", rows: 20_000)
        try harness.fixtures.setModified(big, to: Harness.backupTime)
        for _ in 0..<3 {
            let run = try await services.runner.run(VerificationRequest(trigger: .manual))
            #expect(run.outcome("orders-db")?.state == .healthy)
        }
        let small = try await harness.fixtures.archive("backups/orders-2.tar.gz", rows: 100)
        try harness.fixtures.setModified(small, to: Harness.backupTime.addingTimeInterval(60))
        let run = try await services.runner.run(VerificationRequest(trigger: .manual))
        let check = try #require(run.outcome("orders-db")?.check(.size))
        #expect(run.outcome("orders-db")?.artifact?.path == small)
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("against the median"))
    }

    @Test func anArtifactFromBeforeTheWindowMeansTheBackupIsMissing() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-20.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime.addingTimeInterval(-2 * 86_400))
        let run = try await harness.verify(try harness.configuration(assets: Self.asset()))
        let outcome = try #require(run.outcome("orders-db"))
        #expect(outcome.check(.freshness)?.status == .failed)
        #expect(outcome.check(.freshness)?.evidence.message.contains("no backup arrived for this window") == true)
        #expect(outcome.state == .missing)
    }

    @Test func anArtifactOlderThanMaxAgeIsStale() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(extra: "max_age: 6h")))
        let outcome = try #require(run.outcome("orders-db"))
        let check = try #require(outcome.check(.freshness))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("older than max_age 6.0h"))
        #expect(outcome.state == .failed)
    }

    @Test func aFailureReportedByTheBackupToolFails() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        try harness.directory.write(
            "backups/status.json",
            #"{"asset": "orders-db", "status": "failure", "exit_code": 1, "output": "pg_dump: error: connection to server failed: Connection refused"}"#
        )
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(extra: "status_file: backups/status.json")))
        let check = try #require(run.outcome("orders-db")?.check(.toolStatus))
        #expect(check.status == .failed)
        #expect(check.evidence.message == "backup tool reported failure with exit code 1")
        #expect(check.evidence.excerpt?.contains("Connection refused") == true)
        #expect(run.outcome("orders-db")?.state == .failed)
    }

    @Test(arguments: [
        ("{not json", "not valid JSON"),
        (#"{"status": "done"}"#, "'done' is not one of success, failure"),
        (#"{"exit_code": 0}"#, "field 'status' is required"),
        (#"{"status": "success", "exit_code": "zero"}"#, "field 'exit_code': expected an integer"),
        (#"{"status": "success", "finished_at": "yesterday"}"#, "'yesterday' is not an RFC 3339 time"),
    ])
    func aBrokenStatusFileIsAFailedCheckNamingTheProblem(body: String, problem: String) async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        try harness.directory.write("backups/status.json", body)
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(extra: "status_file: backups/status.json")))
        let check = try #require(run.outcome("orders-db")?.check(.toolStatus))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains(problem), "\(check.evidence.message)")
    }

    @Test func aRestoreWhoseValidationFailsFailsTheBackup() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let restore = #"{ command: ["tar", "-xzf", "{artifact}", "-C", "{scratch}"], validate: ["test", "-s", "{scratch}/orders.sql"] }"#
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(restore: restore)))
        let check = try #require(run.outcome("orders-db")?.check(.restore))
        #expect(check.status == .failed)
        #expect(check.evidence.message.hasPrefix("validate command failed with exit code 1"))
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func aRestoreCommandThatDoesNotExistFailsWithEvidence() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let run = try await harness.verify(
            try harness.configuration(assets: Self.asset(restore: #"{ command: ["backstop-no-such-restore-tool", "{artifact}"] }"#)))
        let check = try #require(run.outcome("orders-db")?.check(.restore))
        #expect(check.status == .failed)
        #expect(check.evidence.message.contains("backstop-no-such-restore-tool"))
    }

    @Test func aRestoreThatTimesOutHasItsWholeProcessGroupKilled() async throws {
        let harness = try Harness()
        let artifact = try await harness.fixtures.archive("backups/orders-2026-11-22.tar.gz")
        try harness.fixtures.setModified(artifact, to: Harness.backupTime)
        let pidFile = harness.directory.file("child.pid")
        // The shell starts a grandchild and waits; only a group kill stops both.
        let restore = """
            { command: ["sh", "-c", "sleep 300 & echo $! > \(pidFile); wait"], timeout: 500ms }
            """
        let run = try await harness.verify(try harness.configuration(assets: Self.asset(restore: restore)))
        let test = try #require(run.restoreTests.first)
        #expect(test.status == .timedOut)
        #expect(run.outcome("orders-db")?.check(.restore)?.status == .failed)
        #expect(run.outcome("orders-db")?.state == .failed)
        let pid = try #require(Int32(try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(ProcessProbe.isGone(pid), "the grandchild \(pid) survived the timeout")
        #expect(harness.scratchLeftovers.isEmpty)
    }

    @Test func restoreTestsOnlyRunForTheSample() async throws {
        let harness = try Harness()
        var assets: [String] = []
        for index in 1...4 {
            let artifact = try await harness.fixtures.archive("backups/a\(index)/db.tar.gz")
            try harness.fixtures.setModified(artifact, to: Harness.backupTime)
            assets.append(Self.asset("db-\(index)", path: "backups/a\(index)/*.tar.gz"))
        }
        let configuration = try harness.configuration(
            assets: assets.joined(separator: "\n"), restoreTests: "{ sample: 25%, min: 1, seed: 3, scratch: ./scratch }")
        let services = try await harness.services(configuration)
        var tested: [String] = []
        for _ in 0..<4 {
            let run = try await services.runner.run(VerificationRequest(trigger: .manual))
            #expect(run.restoreTests.count == 1)
            #expect(run.outcomes.filter { $0.check(.restore)?.status == .skipped }.count == 3)
            tested += run.restoreTests.map(\.asset)
        }
        // Least recently tested first: four runs test each asset once.
        #expect(Set(tested) == ["db-1", "db-2", "db-3", "db-4"])
    }
}

/// Whether a process has exited (a zombie waiting for its reaper counts as exited).
enum ProcessProbe {
    static func isGone(_ pid: Int32) -> Bool {
        if kill(pid, 0) != 0 { return true }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }
}
